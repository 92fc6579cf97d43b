'use strict';
/**
 * How busy the machine was with work that is not the benchmark's. The machine is shared (other
 * builds and test suites may run at the same time), so each run measures the CPU time used by
 * everything else: the machine's busy time (/proc/stat) minus the runner, the contender, Redis and
 * the contender's PostgreSQL backends. A run disturbed by other work is repeated.
 */
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');

let tick = 100;
try {
  tick = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  // Linux' usual value
}

const available = fs.existsSync('/proc/stat');

/** Busy jiffies of the whole machine. */
function machineBusy() {
  const fields = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal
  const [user, nice, system, , , irq, softirq, steal = 0] = fields;
  return user + nice + system + irq + softirq + steal;
}

/** utime + stime of one process, in jiffies (0 when it is gone). */
function processBusy(pid) {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** A point in time: machine busy time and each of our processes' time. */
function sample(pids) {
  if (!available) return null;
  const own = {};
  for (const pid of pids) own[pid] = processBusy(pid);
  return { at: performance.now(), machine: machineBusy(), own };
}

/** Cores used by other work between two samples (averaged), and cores used by ours. */
function foreignCores(before, after) {
  if (!before || !after) return null;
  const seconds = (after.at - before.at) / 1000;
  if (seconds <= 0) return null;
  let ours = 0;
  for (const pid of Object.keys(after.own)) ours += after.own[pid] - (before.own[pid] ?? after.own[pid]);
  const total = after.machine - before.machine;
  return { foreign: Math.max(0, (total - ours) / tick / seconds), ours: ours / tick / seconds };
}

module.exports = { sample, foreignCores, available };

/**
 * Runs `fn` (one measured run) while watching for other work. Before the run it waits for the
 * machine to be quiet (bounded by the shared wait budget); a run during which other work used
 * more than `threshold` cores on average is repeated, up to `retries` times and while the shared
 * retry budget lasts. The least disturbed attempt is kept; every attempt's disturbance is recorded.
 */
class Guard {
  constructor({ threshold = 0.25, retries = 2, retryBudget = 40, waitBudgetMs = 240_000, log = () => undefined } = {}) {
    Object.assign(this, { threshold, retries, retryBudget, waitBudgetMs, log });
    this.retriesUsed = 0;
    this.waitedMs = 0;
  }

  async quiet(pids, label) {
    if (!available || this.waitBudgetMs <= 0) return;
    const started = performance.now();
    for (;;) {
      const before = sample(pids);
      await new Promise((resolve) => setTimeout(resolve, 250));
      const load = foreignCores(before, sample(pids));
      if (!load || load.foreign <= this.threshold) break;
      if (this.waitedMs + (performance.now() - started) >= this.waitBudgetMs) break;
      if (performance.now() - started > 15_000) break;
      await new Promise((resolve) => setTimeout(resolve, 600));
    }
    const waited = performance.now() - started - 250;
    this.waitedMs += Math.max(0, waited);
    if (waited > 1500) this.log(`waited ${(waited / 1000).toFixed(1)} s for other work to calm down before ${label}`);
  }

  async run(pidsOf, label, fn) {
    const attempts = [];
    for (let attempt = 0; ; attempt++) {
      const pids = await pidsOf();
      await this.quiet(pids, label);
      const before = sample(pids);
      const result = await fn();
      const load = foreignCores(before, sample(await pidsOf()));
      result.foreignCores = load ? load.foreign : null;
      attempts.push(result);
      const disturbed = load && load.foreign > this.threshold;
      if (!disturbed || attempt >= this.retries || this.retriesUsed >= this.retryBudget) break;
      this.retriesUsed++;
      this.log(`${label}: other work used ${load.foreign.toFixed(2)} cores during the run; repeating it`);
    }
    const best = attempts.reduce((a, b) => ((b.foreignCores ?? 0) < (a.foreignCores ?? 0) ? b : a));
    best.attempts = attempts.length;
    best.attemptForeignCores = attempts.map((a) => a.foreignCores);
    best.disturbed = (best.foreignCores ?? 0) > this.threshold;
    return best;
  }
}

module.exports.Guard = Guard;

'use strict';
/**
 * What a session event costs the request that fires it, without HTTP: `SessionEvents.emit()` as
 * the request path calls it (a name and a function that builds the payload), with no listener
 * and with one listener (a counter), in alternating rounds in one process. The HTTP figures of the
 * security part (`BENCH_SECURITY=1`) cannot resolve a difference this small on a shared machine.
 *
 *   [BENCH_STACK=<stack>] <that stack's node> bench/tools/events-emit.js [rounds] [calls per round]
 */
const { stack, stackRequire, installedVersion } = require('../stack');
const { median } = require('../harness');

const { SessionEvents } = stackRequire('nest-session');
const [roundsArg = '7', callsArg = '1000000'] = process.argv.slice(2);
const ROUNDS = Number(roundsArg);
const CALLS = Number(callsArg);

/** Nanoseconds of CPU per call of `fn`, after a warm-up. */
function cpuPerCall(fn) {
  for (let i = 0; i < 100_000; i++) fn(i);
  const start = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) fn(i);
  const used = process.cpuUsage(start);
  return ((used.user + used.system) * 1000) / CALLS;
}

let received = 0;
const quiet = new SessionEvents();
const heard = new SessionEvents();
heard.on('session.created', () => void received++);
// The payload the request path builds for session.created: the id and the user id, if any.
const emit = (events) => (i) => events.emit('session.created', () => ({ sessionId: `id-${i}`, userId: undefined }));
const cases = { 'no listener': emit(quiet), 'one listener': emit(heard) };

const results = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  const names = Object.keys(cases);
  for (const name of round % 2 ? names.reverse() : names) results[name].push(cpuPerCall(cases[name]));
}
if (received === 0) throw new Error('the listener was never called');

console.log(`SessionEvents.emit('session.created', build), stack ${stack.name}: Node ${process.versions.node}, nest-session ${installedVersion('nest-session')}`);
console.log(`${ROUNDS} alternating rounds of ${CALLS.toLocaleString('en-US')} calls; CPU ns per call, median (min-max):`);
for (const [name, values] of Object.entries(results)) {
  console.log(`  ${name.padEnd(13)} ${median(values).toFixed(1).padStart(7)} (${Math.min(...values).toFixed(1)}-${Math.max(...values).toFixed(1)})`);
}

'use strict';
/**
 * PostgreSQL's own floor for the scale part: the TypeORM store's read statement, sent by pgbench
 * (no Node, no library) with as many clients as the store's pool (pg's default, 10), on the
 * bench's session table as the scale part seeded it. Run at each size in the same rounds as the
 * contenders, it says how much more time PostgreSQL itself spends on a read when the table grows,
 * at full load: time that, on a host where the database and the app share the cores, is taken
 * from the app. `bench/tools/pg-scale-floor.sh` measures the same on scratch tables, alone.
 */
const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const config = require('./config');
const { sqlSessionId } = require('./seeded-ids');

const CLIENTS = 10;

/** pgbench of the local PostgreSQL (Debian keeps it out of PATH), or null. */
function findPgbench() {
  const debian = '/usr/lib/postgresql';
  const versions = fs.existsSync(debian) ? fs.readdirSync(debian).sort((a, b) => Number(b) - Number(a)) : [];
  const candidates = [...versions.map((v) => path.join(debian, v, 'bin', 'pgbench')), ...(process.env.PATH || '').split(':').map((dir) => path.join(dir, 'pgbench'))];
  return candidates.find((file) => fs.existsSync(file)) ?? null;
}

/**
 * Transactions per second of pgbench reading random seeded sessions among the first `size` for
 * `seconds`. The id is computed in the statement (the seed's SHA-256, as scale.js seeds it), at
 * every size alike.
 */
function pgbenchReads(pgbench, size, seconds, seed) {
  const script = [
    `\\set i random(0, ${size - 1})`,
    `SELECT data, created_at, touched_at FROM ${config.PG_TABLE} WHERE id = ${sqlSessionId(seed, ':i')} AND expires_at > ${Date.now()};`,
  ].join('\n');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nsbench-pgbench-')), 'read.sql');
  fs.writeFileSync(file, `${script}\n`);
  const { host, port, username, database } = config.PG;
  const args = [
    '-h',
    host,
    '-p',
    String(port),
    '-U',
    username,
    '-n',
    '-M',
    'prepared',
    '-c',
    String(CLIENTS),
    '-j',
    '1',
    '-T',
    String(Math.max(1, Math.round(seconds))),
    '-f',
    file,
    database,
  ];
  return new Promise((resolve, reject) => {
    execFile(pgbench, args, { timeout: (seconds + 60) * 1000 }, (error, stdout, stderr) => {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
      const tps = Number(/^tps = ([\d.]+)/m.exec(stdout)?.[1]);
      if (error || !Number.isFinite(tps)) reject(new Error(`pgbench failed: ${error?.message ?? ''} ${stderr.trim()}`.trim()));
      else resolve(tps);
    });
  });
}

module.exports = { findPgbench, pgbenchReads, PGBENCH_CLIENTS: CLIENTS };

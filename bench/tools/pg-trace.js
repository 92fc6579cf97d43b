'use strict';
/**
 * The SQL statements the TypeORM store sends for a create, an update of one key, and a read:
 *
 *   node bench/tools/pg-trace.js
 *
 * Uses a scratch table (nsbench_trace) in the bench database and drops it afterwards.
 */
const { randomBytes } = require('node:crypto');
const { stackRequire } = require('../stack');
const pg = stackRequire('pg');
const config = require('../config');
const { loadExport } = require('../lib-exports');

let statements = [];
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (...args) {
  statements.push(typeof args[0] === 'string' ? args[0] : args[0]?.text);
  return query.apply(this, args);
};

async function main() {
  const { DataSource } = stackRequire('typeorm');
  const dataSource = new DataSource({ type: 'postgres', ...config.PG, logging: false });
  await dataSource.initialize();
  const table = 'nsbench_trace';
  try {
    await dataSource.query(`DROP TABLE IF EXISTS ${table}`);
    const CreateSessionTable = loadExport('CreateSessionTable1767225600000');
    const runner = dataSource.createQueryRunner();
    await new CreateSessionTable(table).up(runner);
    await runner.release();

    const TypeOrmSessionStore = loadExport('TypeOrmSessionStore');
    const store = new TypeOrmSessionStore({ dataSource, tableName: table, cleanupInterval: 0 });
    const id = randomBytes(32).toString('base64url');
    const now = Date.now();
    const show = (what) => {
      console.log(`${what}: ${statements.length} statement(s)`);
      for (const sql of statements) console.log(`  ${sql}`);
      statements = [];
    };
    statements = [];
    await store.save(id, { create: true, set: { n: 1 }, unset: [], createdAt: now, touchedAt: now, ttl: config.LIFETIME });
    show('create (new visitor)');
    await store.save(id, { create: false, set: { n: 2 }, unset: [], createdAt: now, touchedAt: now, ttl: config.LIFETIME });
    show('update one key (existing session)');
    await store.get(id);
    show('read');
  } finally {
    await dataSource.query(`DROP TABLE IF EXISTS ${table}`);
    await dataSource.destroy();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

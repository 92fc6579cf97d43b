'use strict';
/**
 * The TypeORM store's table for the bench (config.PG_TABLE), made by the store's own migration:
 * the run creates it before its PostgreSQL contenders start, and so does a profile of one of them
 * (tools/profile.js), since the run drops it when it ends.
 */
const config = require('./config');
const { stackRequire } = require('./stack');
const { findExport } = require('./lib-exports');

/** The store's table, created by the store's own migration (dropped first: the bench owns it). */
async function createSessionTable(dataSource) {
  const CreateSessionTable = findExport('CreateSessionTable1767225600000').value;
  await dataSource.query(`DROP TABLE IF EXISTS ${config.PG_TABLE}`);
  const runner = dataSource.createQueryRunner();
  try {
    await new CreateSessionTable(config.PG_TABLE).up(runner);
  } finally {
    await runner.release();
  }
}

/** Runs `work` with the table in place, and drops it after. */
async function withSessionTable(work) {
  const { DataSource } = stackRequire('typeorm');
  const dataSource = new DataSource({ type: 'postgres', ...config.PG, connectTimeoutMS: 3000, logging: false });
  await dataSource.initialize();
  try {
    await createSessionTable(dataSource);
    return await work();
  } finally {
    await dataSource.query(`DROP TABLE IF EXISTS ${config.PG_TABLE}`).catch(() => undefined);
    await dataSource.destroy();
  }
}

module.exports = { createSessionTable, withSessionTable };

'use strict';
/**
 * The library as its users get it: `require('nest-session')` from the stack it was installed
 * into (bench/stacks/prepare.js). A store that the package does not export yet is missing, and its contenders are left
 * out of the run, unless BENCH_DEEP_IMPORT=1 (development only) loads it from its file in dist/.
 */
const path = require('node:path');
const { stackRequire, librarySource } = require('./stack');

/** Where each store's file has lived in dist/ (the first that exists is used). */
const DEEP = {
  RedisSessionStore: ['stores/redis/redis-session.store', 'stores/redis-session.store'],
  TypeOrmSessionStore: ['stores/typeorm/typeorm-session.store'],
  CreateSessionTable1767225600000: ['stores/typeorm/create-session-table.migration'],
  MemorySessionStore: ['stores/memory/memory-session.store', 'stores/memory-session.store'],
};

/** The export, or null when the package does not have it (and deep imports are off). */
function findExport(name) {
  const lib = stackRequire('nest-session');
  if (lib[name]) return { value: lib[name], deep: false };
  if (process.env.BENCH_DEEP_IMPORT === '1' && DEEP[name]) {
    for (const file of DEEP[name]) {
      let value;
      try {
        value = require(path.join(librarySource, 'dist', file))[name];
      } catch {
        continue;
      }
      if (value) return { value, deep: true };
    }
  }
  return null;
}

function loadExport(name) {
  const found = findExport(name);
  if (!found) throw new Error(`nest-session does not export ${name}`);
  return found.value;
}

/** Exports each nest-session store needs. */
const STORE_EXPORTS = {
  cookie: ['SessionModule', 'Session'],
  memory: ['SessionModule', 'Session', 'MemorySessionStore'],
  redis: ['SessionModule', 'Session', 'RedisSessionStore'],
  typeorm: ['SessionModule', 'Session', 'TypeOrmSessionStore', 'CreateSessionTable1767225600000'],
};

module.exports = { findExport, loadExport, STORE_EXPORTS };

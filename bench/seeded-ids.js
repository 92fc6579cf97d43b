'use strict';
/**
 * The ids of the sessions the scale part seeds: the SHA-256 of a seed and a counter, in base64url
 * (43 characters, as the library's own ids). Computed in Node for the cookies, and in SQL where
 * PostgreSQL seeds the table or pgbench picks a row, so the three always agree.
 */
const { createHash } = require('node:crypto');

const SEED = 'nsbench';

/** The id of seeded session `i`. */
const sessionId = (i, seed = SEED) =>
  createHash('sha256')
    .update(seed + i)
    .digest('base64url');

/**
 * The same id as a PostgreSQL expression of the counter `counter` (a column or a pgbench variable
 * such as `:i`): base64 of 32 bytes is 44 characters with one '=', then the base64url alphabet.
 */
const sqlSessionId = (seed, counter) => `translate(rtrim(encode(sha256(convert_to('${seed}' || ${counter}, 'UTF8')), 'base64'), '='), '+/', '-_')`;

module.exports = { SEED, sessionId, sqlSessionId };

// `npm start` runs this first (the "prestart" script). It names the two setup problems a
// newcomer meets, each in one line with its fix, before the build and before a dependency
// fails with a stack trace that names neither. Plain old JavaScript, so that it runs on any
// Node.js, the unsupported ones included.
'use strict';

var MIN = [22, 12];
var running = process.versions.node;
var parts = running.split('.').map(Number);

function fail(message) {
  process.stderr.write('nest-session sample: ' + message + '\n');
  process.exit(1);
}

if (parts[0] < MIN[0] || (parts[0] === MIN[0] && parts[1] < MIN[1])) {
  fail('needs Node.js ' + MIN.join('.') + ' or later, and this is Node.js ' + running + '. Install Node.js 24 (LTS) or 22, then run npm install again.');
}

// Without REDIS_URL or DATABASE_URL the sample keeps its sessions in SQLite through
// better-sqlite3, a native module compiled by its install script.
if (!process.env.REDIS_URL && !process.env.DATABASE_URL) {
  var Database;
  try {
    Database = require('better-sqlite3');
    new Database(':memory:').close();
  } catch (error) {
    var detail = String((error && error.message) || error).split('\n')[0];
    fail(
      'the SQLite driver better-sqlite3 is not built (' +
        detail +
        '). Its install script did not run or ran for another Node.js: ' +
        'npm 12 runs only the install scripts package.json approves in "allowScripts" (better-sqlite3 is approved there), ' +
        'so run `npm rebuild better-sqlite3` (or `npm install` again) with the Node.js you start the sample with.',
    );
  }
}

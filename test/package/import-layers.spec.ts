import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { folderOf, importCycles, libImports } from './import-graph';

const LIB = join(__dirname, '../../lib');

/**
 * The floors of lib/, from the ground up. A folder imports only folders on lower floors (and its
 * own files), so every arrow points down and nothing below knows what stands on it: the store
 * contract knows no store, a store no session, the session core no interceptor or transport.
 * Folders that share a floor are neighbours that never import each other (a codec and a store).
 * `.` is the module files at lib/'s root. A new folder fails the spec until it is given a floor.
 */
const FLOORS: Record<string, number> = {
  // Ground floor: the contract and vocabulary everything else speaks.
  contract: 1, // store contract, JSON value types, session keys
  errors: 2,
  interfaces: 3, // option and session types
  utils: 4, // cookies, crypto, http, option resolving
  // What the session is made of and written to.
  codecs: 5,
  stores: 5,
  events: 5,
  metrics: 5,
  testing: 6, // nest-session/testing: the store author's kit (contract suite, store helpers)
  session: 6, // the request state and the session interfaces
  // What stands on the session.
  devices: 7,
  transports: 7,
  limits: 8,
  csrf: 8,
  compat: 8,
  decorators: 8,
  health: 8,
  interceptors: 9,
  '.': 10, // the module, its providers and the public index
};

const imports = libImports(LIB).filter(({ from, to }) => folderOf(from) !== folderOf(to));

describe('the layers of lib/', () => {
  it('gives every folder a floor', () => {
    const folders = new Set(libImports(LIB).flatMap(({ from, to }) => [folderOf(from), folderOf(to)]));
    expect([...folders].filter((folder) => !(folder in FLOORS))).toEqual([]);
  });

  it('has no import that runs back up, or sideways to a neighbour on the same floor', () => {
    const upward = imports.filter(({ from, to }) => FLOORS[folderOf(to)] >= FLOORS[folderOf(from)]).map(({ from, to }) => `${from} -> ${to}`);
    expect(upward).toEqual([]);
  });

  it('keeps the ground floor (contract, errors, interfaces, utils) free of anything above it', () => {
    const ground = imports.filter(({ from, to }) => FLOORS[folderOf(from)] <= FLOORS.utils && FLOORS[folderOf(to)] > FLOORS.utils);
    expect(ground.map(({ from, to }) => `${from} -> ${to}`)).toEqual([]);
  });

  it('keeps codecs and stores away from the session, the transports, the interceptors and the module files', () => {
    const above = new Set(['session', 'transports', 'interceptors', '.']);
    const bad = imports.filter(({ from, to }) => ['codecs', 'stores'].includes(folderOf(from)) && above.has(folderOf(to)));
    expect(bad.map(({ from, to }) => `${from} -> ${to}`)).toEqual([]);
  });

  it('has no files that import one another in a loop', () => {
    expect(importCycles(libImports(LIB))).toEqual([]);
  });

  it('keeps the store contract on the ground floor only', () => {
    expect(existsSync(join(LIB, 'stores/session-store.ts'))).toBe(false);
  });
});

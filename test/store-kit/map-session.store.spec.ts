import { runStoreContract } from 'nest-session/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MapSessionStore } from './map-session.store';

// A store written outside lib/ from the public kit, checked by the public suite. The framework's
// functions are passed in, as a spec without globals (vitest's default, or @jest/globals) does.
runStoreContract('a Map store built from the public kit', async () => ({ store: new MapSessionStore(), cleanup: async () => undefined }), {
  describe,
  it,
  expect,
  beforeAll,
  afterAll,
});

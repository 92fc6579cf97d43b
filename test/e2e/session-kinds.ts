import type { DynamicModule } from '@nestjs/common';
import { MemorySessionStore, SessionModule } from '../../lib';
import { SECRET } from './app';

/**
 * For scenarios that must hold however the session is kept: all of it in the signed cookie, or
 * in a server-side store (memory, the simplest). Each row is the `describe` title and a fresh module.
 */
export const COOKIE_AND_MEMORY_STORES: [name: string, module: () => DynamicModule][] = [
  ['cookie store', () => SessionModule.forRoot({ secret: SECRET })],
  ['memory store', () => SessionModule.forRoot({ secret: SECRET, store: new MemorySessionStore() })],
];

export * from './codecs/codec.interface';
export * from './errors';
export * from './interfaces/session-options.interface';
export * from './stores/memory-session.store';
export * from './stores/session-store';

export * from './memory-session.store';

export * from './file-session.store';

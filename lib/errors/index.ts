export * from './session.errors';

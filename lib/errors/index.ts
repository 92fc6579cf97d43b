export * from './session.errors';
export * from './session-schema.error';
export * from './session-store-timeout.error';
export * from './unsupported-node.error';

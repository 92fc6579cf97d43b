export * from './create-session-table.migration';
export * from './session.entity';
export type { SessionDatabaseType } from './session-table';
export * from './typeorm-session.store';

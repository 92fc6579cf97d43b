export * from './create-session-table.migration';
export * from './session.entity';
export type { SessionDatabaseType } from './session-table';
export type { DataSourceLike, QueryRunnerLike, SessionEntitySchema } from './typeorm-like.types';
export * from './typeorm-session.store';

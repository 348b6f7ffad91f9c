export {
  createPgAuditSchema,
  openPgStore,
  type PgAuditStore,
  type PgDatabase,
  type PgQueryable,
  type PgStoreOptions,
} from './pg-store.ts';

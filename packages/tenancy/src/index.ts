export { assertCitusTenantStatement, citusStartSql, withCitusTenant } from './citus.ts';
export {
  bindTenant,
  currentTenant,
  onTenantEvent,
  parseTenantContext,
  requireTenant,
  runWithTenant,
  setTenantTimeout,
  type TenantContext,
  type TenantContextInput,
} from './context.ts';
export {
  createTenantTableSql,
  type FeaturePolicy,
  type TenantColumn,
  type TenantForeignKey,
  type TenantTableSpec,
  tenantPolicySql,
  tenantPredicate,
} from './ddl.ts';
export {
  type DriverResult,
  PG_PREPARED_STATEMENTS_PER_CONNECTION,
  type PGliteLike,
  type PgDriverOptions,
  type PgliteDriverOptions,
  type PgPoolClientLike,
  type PgPoolLike,
  pgDriver,
  pgliteDriver,
  type TenancyBatchOutcome,
  type TenancyBatchStatement,
  type TenancyConnection,
  type TenancyDriver,
  type TransactionStatus,
} from './driver.ts';
export { TenancyError, type TenancyErrorCode, type TenancyErrorOptions } from './errors.ts';
export {
  actorIdSchema,
  isOrgId,
  isWorkspaceId,
  orgIdSchema,
  parseOrgId,
  parseWorkspaceId,
  requestIdSchema,
  workspaceIdSchema,
} from './ids.ts';
export {
  assertNoIndexLoss,
  type CheckIndexLossOptions,
  checkIndexLoss,
  type IndexLossFinding,
  type IndexLossReport,
  type RegisteredQuery,
} from './index-loss.ts';
export {
  type CheckPostureOptions,
  checkPosture,
  type PostureFinding,
  type PostureFindingCode,
  type PostureReport,
  type SqlClientLike,
} from './posture.ts';
export {
  type SignedContextSqlOptions,
  signedContextSql,
  signedTenantPredicate,
  signTenantContext,
} from './signed-context.ts';
export { quoteIdent } from './sql-ident.ts';
export { assertTenantStatement } from './statement-guard.ts';
export {
  TENANT_SETTINGS,
  type TenantQueryResult,
  type TenantTransaction,
  tenantQuery,
  type WithTenantOptions,
  withTenant,
} from './with-tenant.ts';

import { describe, expect, it } from 'vitest';

// The committed public surface of @palisade/tenancy. Adding or removing an
// export must change this list in the same commit, so nothing joins the API
// by accident.
const expectedRuntimeExports = [
  'TENANT_SETTINGS',
  'TenancyError',
  'actorIdSchema',
  'assertCitusTenantStatement',
  'assertNoIndexLoss',
  'checkIndexLoss',
  'citusStartSql',
  'withCitusTenant',
  'assertTenantStatement',
  'bindTenant',
  'checkPosture',
  'createTenantTableSql',
  'currentTenant',
  'isOrgId',
  'isWorkspaceId',
  'onTenantEvent',
  'orgIdSchema',
  'parseOrgId',
  'parseTenantContext',
  'parseWorkspaceId',
  'pgDriver',
  'PG_PREPARED_STATEMENTS_PER_CONNECTION',
  'pgliteDriver',
  'quoteIdent',
  'requestIdSchema',
  'requireTenant',
  'runWithTenant',
  'setTenantTimeout',
  'signTenantContext',
  'signedContextSql',
  'signedTenantPredicate',
  'tenantPolicySql',
  'tenantPredicate',
  'tenantQuery',
  'withTenant',
  'workspaceIdSchema',
];

describe('@palisade/tenancy public API', () => {
  it('exports exactly the committed runtime names', async () => {
    const api = await import('@palisade/tenancy');
    expect(Object.keys(api).sort()).toEqual([...expectedRuntimeExports].sort());
  });
});

const expectedSqliteExports = [
  'assertWorkspaceReadStatement',
  'deriveWorkspaceDatabaseKey',
  'openWorkspaceReader',
  'openWorkspaceWriter',
  'resolveWorkspacePath',
];

describe('@palisade/tenancy/sqlite public API', () => {
  it('exports exactly the committed runtime names', async () => {
    const api = await import('@palisade/tenancy/sqlite');
    expect(Object.keys(api).sort()).toEqual([...expectedSqliteExports].sort());
  });
});

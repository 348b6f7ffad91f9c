import { TenancyError } from './errors.ts';
import { parseOrgId } from './ids.ts';
import type { SqlClientLike } from './posture.ts';
import { assertTenantStatement } from './statement-guard.ts';

/** A query whose plan must keep its indexes under row-level security. */
export interface RegisteredQuery {
  /** A name for reports. */
  readonly name: string;
  /** One read statement (developer SQL, never user input). */
  readonly sql: string;
  /** Representative parameters. */
  readonly params?: readonly unknown[];
}

/** One query whose plan lost an index under row-level security. */
export interface IndexLossFinding {
  /** The registered query's name. */
  readonly query: string;
  /** Indexes the reference plan uses and the app-role plan does not. */
  readonly lostIndexes: readonly string[];
  /** Total planner cost without row-level security. */
  readonly referenceCost: number;
  /** Total planner cost as the app role. */
  readonly appCost: number;
}

/** The result of {@link checkIndexLoss}. */
export interface IndexLossReport {
  /** True when no query lost an index. */
  readonly ok: boolean;
  /** The queries that lost an index. */
  readonly findings: readonly IndexLossFinding[];
}

/** Options of {@link checkIndexLoss}. */
export interface CheckIndexLossOptions {
  /** A connection as the request role (subject to row-level security). */
  readonly app: SqlClientLike;
  /** A connection whose role bypasses row-level security (superuser or an unforced owner, in CI). */
  readonly reference: SqlClientLike;
  /** The org to plan for (sets `app.org_id` transaction-locally on both). */
  readonly orgId: string;
  /** The queries to compare. */
  readonly queries: readonly RegisteredQuery[];
  /** A lost index counts only when the app plan costs more than this many times the reference (default 2). */
  readonly costRatio?: number;
}

interface PlanSummary {
  readonly indexes: Set<string>;
  readonly cost: number;
}

function walk(node: unknown, into: Set<string>): void {
  if (typeof node !== 'object' || node === null) return;
  const n = node as Record<string, unknown>;
  if (typeof n['Index Name'] === 'string') into.add(n['Index Name']);
  if (Array.isArray(n['Plans'])) for (const c of n['Plans']) walk(c, into);
}

async function plan(
  client: SqlClientLike,
  orgId: string,
  q: RegisteredQuery,
): Promise<PlanSummary> {
  await client.query('BEGIN');
  try {
    await client.query(`SELECT set_config('app.org_id', $1, true)`, [orgId]);
    const r = (await client.query(`EXPLAIN (FORMAT JSON) ${q.sql}`, [...(q.params ?? [])])) as {
      rows: Record<string, unknown>[];
    };
    const raw = r.rows[0]?.['QUERY PLAN'];
    const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as {
      Plan: Record<string, unknown>;
    }[];
    const root = doc[0]?.Plan;
    const indexes = new Set<string>();
    walk(root, indexes);
    return { indexes, cost: Number(root?.['Total Cost'] ?? 0) };
  } finally {
    await client.query('ROLLBACK');
  }
}

/**
 * Compares `EXPLAIN (FORMAT JSON)` of registered queries as the request role
 * and as a role that bypasses row-level security. A query is a finding when
 * an index the reference plan uses is missing from the app-role plan and the
 * app plan costs more than `costRatio` times as much: operators that are not
 * LEAKPROOF (`lower()`, `@>` on jsonb, `LIKE`, ...) cannot be pushed below
 * the policy's security barrier, so their indexes go unused. Fixes: an index
 * that leads with the tenant column (`(org_id, lower(title))`), a stored
 * generated column compared with `=`, or (as a superuser, after review)
 * marking a function LEAKPROOF.
 *
 * Exported from `@palisade/tenancy`.
 *
 * @param options - Both connections, the org, the queries.
 * @returns The findings.
 * @throws TenancyError `ERR_TENANCY_INVALID_ARGUMENT` for a bad org id, `ERR_TENANCY_FORBIDDEN_STATEMENT` for a query that is not a plain statement.
 * @example
 * ```ts
 * const r = await checkIndexLoss({ app, reference, orgId, queries: [{ name: 'by title', sql: 'SELECT id FROM app.docs WHERE lower(title) = $1', params: ['x'] }] });
 * ```
 */
export async function checkIndexLoss(options: CheckIndexLossOptions): Promise<IndexLossReport> {
  const orgId = parseOrgId(options?.orgId);
  const ratio = options.costRatio ?? 2;
  if (!(ratio >= 1))
    throw new TenancyError('ERR_TENANCY_INVALID_ARGUMENT', 'costRatio must be >= 1');
  const findings: IndexLossFinding[] = [];
  for (const q of options.queries) {
    assertTenantStatement(q.sql);
    const ref = await plan(options.reference, orgId, q);
    const app = await plan(options.app, orgId, q);
    const lost = [...ref.indexes].filter((i) => !app.indexes.has(i)).sort();
    if (lost.length > 0 && app.cost > ratio * ref.cost) {
      findings.push({
        query: q.name,
        lostIndexes: lost,
        referenceCost: ref.cost,
        appCost: app.cost,
      });
    }
  }
  return { ok: findings.length === 0, findings };
}

/**
 * {@link checkIndexLoss} that throws on any finding (for CI).
 *
 * Exported from `@palisade/tenancy`.
 *
 * @param options - As {@link checkIndexLoss}.
 * @throws TenancyError `ERR_TENANCY_INDEX_LOST` naming the queries (never data).
 * @example
 * ```ts
 * await assertNoIndexLoss({ app, reference, orgId, queries });
 * ```
 */
export async function assertNoIndexLoss(options: CheckIndexLossOptions): Promise<void> {
  const r = await checkIndexLoss(options);
  if (!r.ok) {
    throw new TenancyError(
      'ERR_TENANCY_INDEX_LOST',
      `row-level security made these queries lose an index: ${r.findings.map((f) => f.query).join(', ')}`,
    );
  }
}

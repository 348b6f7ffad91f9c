// A multi-tenant agent cloud service, composed from the Palisade packages the
// way the hosted product wires them:
//   - crypto: API tokens (shown once, stored as hashes), webhook verification,
//     customer API keys sealed with their tenant bound in;
//   - tenancy: tenant context from the verified token, every query in a
//     transaction with a transaction-local tenant under row-level security;
//   - audit-log: one hash chain per org with a per-org sequencer and signed checkpoints;
//   - redaction: logs and client errors sanitized;
//   - containment: user-supplied URLs checked by the egress guard.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PgAuditStore } from '@palisade/audit-log/pg';
import { createEgressGuard } from '@palisade/containment';
import {
  CryptoError,
  createToken,
  deriveWorkspaceKey,
  hashToken,
  type MasterKey,
  open,
  seal,
  verifyStandardWebhook,
  verifyToken,
} from '@palisade/crypto';
import { createLogRedactor, toClientError } from '@palisade/redaction';
import {
  createTenantTableSql,
  requireTenant,
  runWithTenant,
  type TenancyDriver,
  withTenant,
} from '@palisade/tenancy';

/** A statement runner with the schema owner's rights (bootstrap and token lookup only). */
export interface OwnerSql {
  query(sql: string, params?: readonly unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export interface CloudAppOptions {
  /** Tenant-scoped SQL as the unprivileged app role (row-level security applies). */
  readonly tenancy: TenancyDriver;
  /** The owner connection: token lookup by hash only. */
  readonly owner: OwnerSql;
  /** The audit store (one chain per org). */
  readonly audit: PgAuditStore;
  /** The master key; each org's key is derived from it. */
  readonly master: MasterKey;
  /** Webhook signing secrets (several during rotation). */
  readonly webhookSecrets: readonly string[];
  /** Where (redacted) log records go. */
  readonly log: (record: Record<string, unknown>) => void;
}

/** DDL for the service's tables: tenant tables under RLS, plus the token-hash table. */
export function cloudSchemaSql(appRole: string): string[] {
  const notes = createTenantTableSql({
    schema: 'app',
    table: 'notes',
    columns: [
      { name: 'id', type: 'uuid', notNull: true, default: 'gen_random_uuid()' },
      { name: 'title', type: 'text', notNull: true },
    ],
    primaryKey: ['id'],
    appRole,
  });
  const secrets = createTenantTableSql({
    schema: 'app',
    table: 'secrets',
    columns: [
      { name: 'name', type: 'text', notNull: true },
      { name: 'sealed', type: 'bytea', notNull: true },
    ],
    primaryKey: ['name'],
    appRole,
  });
  return [
    'CREATE SCHEMA IF NOT EXISTS app',
    `GRANT USAGE ON SCHEMA app TO "${appRole}"`,
    ...notes,
    'ALTER TABLE app.notes ADD CONSTRAINT notes_title_length CHECK (char_length(title) <= 200)',
    ...secrets,
    // Only hashes: a leaked table gives no usable token. Read by the owner connection only.
    'CREATE TABLE IF NOT EXISTS app.api_tokens (lookup_id text PRIMARY KEY, hash text NOT NULL, org_id uuid NOT NULL, actor text NOT NULL)',
  ];
}

/** Issues an API token for an org: returns the token once; stores only its hash. */
export async function issueApiToken(
  owner: OwnerSql,
  orgId: string,
  actor: string,
): Promise<string> {
  const { token } = createToken({ prefix: 'palk' });
  const { lookupId, hash } = hashToken(token);
  await owner.query(
    'INSERT INTO app.api_tokens (lookup_id, hash, org_id, actor) VALUES ($1, $2, $3, $4)',
    [lookupId, hash, orgId, actor],
  );
  return token;
}

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

async function readBody(req: IncomingMessage, limit = 1 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, 'payload_too_large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

function parseJson(raw: Buffer): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(raw.toString('utf8'));
    if (typeof v === 'object' && v !== null && !Array.isArray(v))
      return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new HttpError(400, 'invalid_json');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The request handler for `http.createServer`. */
export function createCloudHandler(
  options: CloudAppOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const logRedactor = createLogRedactor();
  const egress = createEgressGuard();
  const log = (record: Record<string, unknown>) =>
    options.log(logRedactor.log(record) as Record<string, unknown>);
  // Each org's key is derived for workspace `org-<id>`; the context names the same workspace.
  const sealContext = (org: string, name: string) => ({
    tenant: org,
    workspace: `org-${org}`,
    purpose: 'customer-api-key',
    record: name,
  });

  async function authenticate(req: IncomingMessage): Promise<{ orgId: string; actor: string }> {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    let lookupId: string;
    try {
      lookupId = hashToken(token).lookupId;
    } catch {
      throw new HttpError(401, 'unauthorized');
    }
    const { rows } = await options.owner.query(
      'SELECT hash, org_id, actor FROM app.api_tokens WHERE lookup_id = $1',
      [lookupId],
    );
    const row = rows[0];
    if (row === undefined || !verifyToken(token, String(row['hash'])))
      throw new HttpError(401, 'unauthorized');
    return { orgId: String(row['org_id']), actor: String(row['actor']) };
  }

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
  ): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://service.invalid');
    const path = url.pathname;
    if (req.method === 'POST' && path === '/webhooks/incoming') {
      const raw = await readBody(req);
      try {
        const verified = verifyStandardWebhook({
          headers: req.headers as Record<string, string>,
          body: new Uint8Array(raw),
          secrets: options.webhookSecrets,
        });
        json(res, 200, { received: verified.id });
      } catch (e) {
        if (CryptoError.isInstance(e)) throw new HttpError(400, 'invalid_signature');
        throw e;
      }
      return;
    }
    const who = await authenticate(req);
    await runWithTenant({ orgId: who.orgId, actorId: who.actor, requestId }, async () => {
      const tenant = requireTenant();
      const audit = (action: string, target: string) =>
        options.audit.append({
          org: tenant.orgId,
          actor: tenant.actorId,
          action,
          target,
          requestId,
          ...(req.socket.remoteAddress === undefined ? {} : { ip: req.socket.remoteAddress }),
          ...(req.headers['user-agent'] === undefined
            ? {}
            : { userAgent: req.headers['user-agent'] }),
        });
      const key = deriveWorkspaceKey(options.master, `org-${tenant.orgId}`);
      const noteId = /^\/notes\/([^/]+)$/.exec(path)?.[1];
      const secretName = /^\/secrets\/([a-z0-9_-]{1,64})$/.exec(path)?.[1];
      if (req.method === 'GET' && path === '/notes') {
        const rows = await withTenant(options.tenancy, (tx) =>
          tx.query('SELECT id, title FROM app.notes ORDER BY title'),
        );
        json(res, 200, { notes: rows.rows });
      } else if (req.method === 'POST' && path === '/notes') {
        const body = parseJson(await readBody(req));
        if (typeof body['title'] !== 'string') throw new HttpError(400, 'title_required');
        const title = body['title'];
        const { rows } = await withTenant(options.tenancy, (tx) =>
          tx.query('INSERT INTO app.notes (org_id, title) VALUES ($1, $2) RETURNING id', [
            tenant.orgId,
            title,
          ]),
        );
        await audit('note.create', String(rows[0]?.['id']));
        json(res, 201, { id: rows[0]?.['id'] });
      } else if (req.method === 'GET' && noteId !== undefined) {
        const id = noteId;
        if (!UUID.test(id)) throw new HttpError(404, 'not_found');
        const { rows } = await withTenant(options.tenancy, (tx) =>
          tx.query('SELECT id, title FROM app.notes WHERE id = $1', [id]),
        );
        if (rows.length === 0) throw new HttpError(404, 'not_found');
        json(res, 200, rows[0]);
      } else if (req.method === 'PUT' && secretName !== undefined) {
        const name = secretName;
        const body = parseJson(await readBody(req));
        if (typeof body['value'] !== 'string') throw new HttpError(400, 'value_required');
        const sealed = await seal(
          key,
          new TextEncoder().encode(body['value']),
          sealContext(tenant.orgId, name),
        );
        await withTenant(options.tenancy, (tx) =>
          tx.query(
            'INSERT INTO app.secrets (org_id, name, sealed) VALUES ($1, $2, $3) ON CONFLICT (org_id, name) DO UPDATE SET sealed = EXCLUDED.sealed',
            [tenant.orgId, name, Buffer.from(sealed)],
          ),
        );
        await audit('secret.put', name);
        json(res, 200, { name, stored: true });
      } else if (req.method === 'GET' && secretName !== undefined) {
        const name = secretName;
        const { rows } = await withTenant(options.tenancy, (tx) =>
          tx.query('SELECT sealed FROM app.secrets WHERE name = $1', [name]),
        );
        const sealed = rows[0]?.['sealed'];
        if (!(sealed instanceof Uint8Array)) throw new HttpError(404, 'not_found');
        const value = new TextDecoder().decode(
          await open(key, sealed, sealContext(tenant.orgId, name)),
        );
        json(res, 200, { name, last4: value.slice(-4) });
      } else if (req.method === 'GET' && path === '/audit') {
        await options.audit.checkpoint(tenant.orgId);
        const verdict = await options.audit.verify(tenant.orgId);
        json(res, 200, { size: await options.audit.size(tenant.orgId), verdict: verdict.status });
      } else if (req.method === 'POST' && path === '/integrations/check') {
        const body = parseJson(await readBody(req));
        const decision = egress.checkUrl(String(body['url'] ?? ''));
        json(res, 200, { allowed: decision.allowed, reason: decision.reason });
      } else {
        throw new HttpError(404, 'not_found');
      }
    });
  }

  return (req, res) => {
    const requestId = crypto.randomUUID();
    route(req, res, requestId).catch((e: unknown) => {
      if (e instanceof HttpError) {
        json(res, e.status, { error: e.message });
        return;
      }
      const { response, record } = toClientError(e, { correlationId: requestId });
      log({ level: 'error', requestId, error: record });
      json(res, 500, response);
    });
  };
}

import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateStandardWebhookSecret, signStandardWebhook } from '@palisade/crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createCloudHandler, issueApiToken } from '../src/cloud-app.ts';
import { type CloudDatabase, openCloudDatabase } from '../src/setup.ts';

const engines = [
  { name: 'PGlite', url: '' },
  // The real server runs whenever CI gives one (a missing server fails CI in global setup).
  ...(inject('pgUrl') === '' ? [] : [{ name: 'PostgreSQL', url: inject('pgUrl') }]),
];

describe.each(engines)('cloud composition (examples/cloud) on $name', ({ url }) => {
  let db: CloudDatabase;
  let server: Server;
  let base: string;
  const logs: string[] = [];
  const webhookSecret = generateStandardWebhookSecret();
  const orgA = randomUUID();
  const orgB = randomUUID();
  let tokenA = '';
  let tokenB = '';

  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    db = await openCloudDatabase(url);
    server = createServer(
      createCloudHandler({
        tenancy: db.tenancy,
        owner: db.owner,
        audit: db.audit,
        master: db.master,
        webhookSecrets: [webhookSecret],
        log: (r) => logs.push(JSON.stringify(r)),
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    tokenA = await issueApiToken(db.owner, orgA, 'user:alice');
    tokenB = await issueApiToken(db.owner, orgB, 'user:bob');
  }, 120_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await db.close();
  });

  it('a request without a valid token reads nothing', async () => {
    await call('POST', '/notes', tokenB, { title: 'B only' });
    for (const token of [undefined, '', 'palk_not-a-token', `${tokenA.slice(0, -1)}x`]) {
      const r = await call('GET', '/notes', token);
      expect(r.status).toBe(401);
      expect(r.body).toEqual({ error: 'unauthorized' });
    }
  });

  it("org A's token never sees org B's rows, sealed keys or audit events", async () => {
    const b = await call('POST', '/notes', tokenB, { title: 'B: salaries' });
    const put = await call('PUT', '/secrets/stripe', tokenB, { value: 'sk_live_B_only_1234' });
    expect(put).toEqual({ status: 200, body: { name: 'stripe', stored: true } });
    const a = await call('POST', '/notes', tokenA, { title: 'A: roadmap' });
    expect(a.status).toBe(201);
    const listA = await call('GET', '/notes', tokenA);
    expect((listA.body['notes'] as Array<{ title: string }>).map((n) => n.title)).toEqual([
      'A: roadmap',
    ]);
    expect((await call('GET', `/notes/${String(b.body['id'])}`, tokenA)).status).toBe(404);
    expect((await call('GET', '/secrets/stripe', tokenA)).status).toBe(404);
    expect((await call('GET', '/secrets/stripe', tokenB)).body).toEqual({
      name: 'stripe',
      last4: '1234',
    });
    const auditA = await call('GET', '/audit', tokenA);
    const auditB = await call('GET', '/audit', tokenB);
    expect(auditA.body).toEqual({ size: 1, verdict: 'OK' });
    expect(auditB.body['verdict']).toBe('OK');
    expect(auditB.body['size']).toBeGreaterThanOrEqual(3);
  });

  it('a sealed customer key is bound to its tenant: the same bytes never open for another org', async () => {
    await call('PUT', '/secrets/openai', tokenA, { value: 'sk-proj-A-secret-9876' });
    // Copy org A's sealed row into org B's table rows through the owner connection.
    await db.owner.query(
      `INSERT INTO app.secrets (org_id, name, sealed) SELECT $1, 'openai', sealed FROM app.secrets WHERE org_id = $2 AND name = 'openai'`,
      [orgB, orgA],
    );
    const r = await call('GET', '/secrets/openai', tokenB);
    expect(r.status).toBe(500);
    expect(Object.keys(r.body).sort()).toEqual(['correlationId', 'error']);
    expect(logs.at(-1)).toContain('ERR_CRYPTO_DECRYPTION_FAILED');
    expect(logs.at(-1)).not.toContain('sk-proj-A-secret-9876');
  });

  it('client errors are generic and logs never contain the secret that caused them', async () => {
    const secret = 'AKIAZ3MSJV6WQ7KXGZ4B';
    const r = await call('POST', '/notes', tokenA, { title: `${secret} ${'x'.repeat(300)}` });
    expect(r.status).toBe(500);
    expect(r.body['error']).toBe('internal_error');
    expect(JSON.stringify(r.body)).not.toContain(secret);
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('\n')).not.toContain(secret);
  });

  it('webhooks are accepted only with a valid signature over the raw body', async () => {
    const body = JSON.stringify({ type: 'invoice.paid' });
    const headers = signStandardWebhook({ id: 'msg_1', body, secret: webhookSecret });
    const ok = await fetch(`${base}/webhooks/incoming`, {
      method: 'POST',
      headers: { ...headers },
      body,
    });
    expect(ok.status).toBe(200);
    const bad = await fetch(`${base}/webhooks/incoming`, {
      method: 'POST',
      headers: { ...headers },
      body: `${body} `,
    });
    expect(bad.status).toBe(400);
  });

  it('user-supplied URLs are checked by the egress guard', async () => {
    const meta = await call('POST', '/integrations/check', tokenA, {
      url: 'http://169.254.169.254/latest/meta-data/',
    });
    expect(meta.body['allowed']).toBe(false);
    const local = await call('POST', '/integrations/check', tokenA, { url: 'http://0x7f.1:8080/' });
    expect(local.body['allowed']).toBe(false);
    const pub = await call('POST', '/integrations/check', tokenA, {
      url: 'https://example.com/hook',
    });
    expect(pub.body).toEqual({ allowed: true, reason: 'allowed' });
  });
});

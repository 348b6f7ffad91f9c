import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import {
  bindTenant,
  currentTenant,
  onTenantEvent,
  parseTenantContext,
  requireTenant,
  runWithTenant,
  setTenantTimeout,
} from '../src/context.ts';
import { TenancyError } from '../src/errors.ts';

const ctx = (orgId: string) => ({ orgId, actorId: 'user:1' });

describe('tenant context', () => {
  it('requireTenant throws ERR_TENANCY_NO_CONTEXT outside any request', () => {
    expect(currentTenant()).toBeUndefined();
    try {
      requireTenant();
      expect.unreachable();
    } catch (e) {
      expect(TenancyError.isInstance(e) && e.code).toBe('ERR_TENANCY_NO_CONTEXT');
    }
  });

  it('the context survives awaits and is frozen and validated', async () => {
    const org = randomUUID();
    await runWithTenant({ ...ctx(org), workspaceId: 'docs', requestId: 'r-1' }, async () => {
      await sleep(1);
      const t = requireTenant();
      expect(t).toEqual({ orgId: org, workspaceId: 'docs', actorId: 'user:1', requestId: 'r-1' });
      expect(Object.isFrozen(t)).toBe(true);
    });
  });

  it('an invalid context is refused before the body runs', () => {
    let ran = false;
    for (const bad of [
      { orgId: randomUUID().toUpperCase(), actorId: 'u' },
      { orgId: '00000000-0000-0000-0000-000000000000', actorId: 'u' },
      { orgId: randomUUID(), actorId: "u'; DROP" },
      { orgId: randomUUID(), actorId: 'u', workspaceId: '../x' },
      { orgId: randomUUID(), actorId: 'u', requestId: 'a b' },
    ]) {
      expect(() =>
        runWithTenant(bad, () => {
          ran = true;
        }),
      ).toThrow(TenancyError);
    }
    expect(ran).toBe(false);
    expect(parseTenantContext(ctx(randomUUID())).requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('concurrent requests with jittered awaits each see only their own tenant', async () => {
    const orgs = Array.from({ length: 50 }, () => randomUUID());
    let wrong = 0;
    await Promise.all(
      orgs.flatMap((org) =>
        Array.from({ length: 20 }, () =>
          runWithTenant(ctx(org), async () => {
            for (let i = 0; i < 3; i++) {
              await sleep(Math.floor(Math.random() * 3));
              if (requireTenant().orgId !== org) wrong++;
            }
          }),
        ),
      ),
    );
    expect(wrong).toBe(0);
  });

  it('bindTenant keeps the captured tenant when another tenant (or none) invokes the callback', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const bound = runWithTenant(ctx(a), () => bindTenant(() => requireTenant().orgId));
    expect(bound()).toBe(a);
    expect(runWithTenant(ctx(b), () => bound())).toBe(a);
    expect(() => bindTenant(() => 1)).toThrow(TenancyError);
  });

  it('setTenantTimeout and onTenantEvent run as the tenant that registered them', async () => {
    const [a, b] = [randomUUID(), randomUUID()];
    const emitter = new EventEmitter();
    const seen: string[] = [];
    const off = runWithTenant(ctx(a), () =>
      onTenantEvent(emitter, 'job', () => {
        seen.push(requireTenant().orgId);
      }),
    );
    runWithTenant(ctx(b), () => emitter.emit('job'));
    emitter.emit('job');
    off();
    emitter.emit('job');
    expect(seen).toEqual([a, a]);
    const fromTimer = await new Promise<string>((resolve) => {
      runWithTenant(ctx(b), () => setTenantTimeout(() => resolve(requireTenant().orgId), 1));
    });
    expect(fromTimer).toBe(b);
  });
});

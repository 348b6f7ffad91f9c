import { describe, expect, it } from 'vitest';

// The committed public surface of the @palisade/audit-log/pg subpath.
const expectedRuntimeExports = ['createPgAuditSchema', 'openPgStore'];

describe('@palisade/audit-log/pg public API', () => {
  it('exports exactly the committed runtime names', async () => {
    const api = await import('@palisade/audit-log/pg');
    expect(Object.keys(api).sort()).toEqual([...expectedRuntimeExports].sort());
  });
});

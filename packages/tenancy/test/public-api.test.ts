import { describe, expect, it } from 'vitest';

// The committed public surface of @palisade/tenancy. Adding or removing an
// export must change this list in the same commit, so nothing joins the API
// by accident.
const expectedRuntimeExports = ['TenancyError'];

describe('@palisade/tenancy public API', () => {
  it('exports exactly the committed runtime names', async () => {
    const api = await import('@palisade/tenancy');
    expect(Object.keys(api).sort()).toEqual([...expectedRuntimeExports].sort());
  });
});

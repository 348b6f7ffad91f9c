import { describe, expect, it } from 'vitest';

// The committed public surface of @palisade/cli. Adding or removing an
// export must change this list in the same commit, so nothing joins the API
// by accident.
const expectedRuntimeExports = ['EXIT', 'UsageError', 'main'];

describe('@palisade/cli public API', () => {
  it('exports exactly the committed runtime names', async () => {
    const api = await import('@palisade/cli');
    expect(Object.keys(api).sort()).toEqual([...expectedRuntimeExports].sort());
  });
});

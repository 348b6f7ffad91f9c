import { describe, expect, it } from 'vitest';

// The committed public surface of @palisade/redaction. Adding or removing an
// export must change this list in the same commit, so nothing joins the API
// by accident.
const expectedRuntimeExports = ['RedactionError'];

describe('@palisade/redaction public API', () => {
  it('exports exactly the committed runtime names', async () => {
    const api = await import('@palisade/redaction');
    expect(Object.keys(api).sort()).toEqual([...expectedRuntimeExports].sort());
  });
});

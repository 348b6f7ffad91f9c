import { describe, expect, it } from 'vitest';

// The committed public surface of @palisade/containment. Adding or removing an
// export must change this list in the same commit, so nothing joins the API
// by accident.
const expectedRuntimeExports = [
  // path and egress guards (containment-guards)
  'canonicalizeIp',
  'checkRedirect',
  'classifyIp',
  'createEgressGuard',
  'createGuardedDispatcher',
  'createGuardedLookup',
  'createPathGuard',
  'egressDeniedError',
  'openInside',
  'pathDeniedError',
  'ContainmentError',
  // git push containment (containment-git)
  'GIT_HOOK_NAMES',
  'SCRUBBED_ENV_NAMES',
  'detectSandbox',
  'installContainment',
  'listWorktrees',
  'planPromotion',
  'promote',
  'runSandboxed',
  'sandboxProfile',
  'scrubAgentEnv',
  'seatbeltProfile',
  'uninstallContainment',
  'verifyContainment',
  'writeGitShim',
];

describe('@palisade/containment public API', () => {
  it('exports exactly the committed runtime names', async () => {
    const api = await import('@palisade/containment');
    expect(Object.keys(api).sort()).toEqual([...expectedRuntimeExports].sort());
  });
});

export {
  type GitShim,
  type GitShimOptions,
  SCRUBBED_ENV_NAMES,
  type ScrubOptions,
  scrubAgentEnv,
  writeGitShim,
} from './agent-env.ts';
export {
  type CheckRedirectOptions,
  checkRedirect,
  createGuardedDispatcher,
  createGuardedLookup,
  type DispatcherLike,
  type DispatchOptionsLike,
  type GuardedAgentConstructorOptions,
  type GuardedDispatcherOptions,
  type GuardedLookupOptions,
  type LookupLike,
  type RedirectDecision,
} from './egress-connect.ts';
export {
  canonicalizeIp,
  classifyIp,
  createEgressGuard,
  type EgressDecision,
  type EgressGuard,
  type EgressGuardOptions,
  type EgressReason,
  egressDeniedError,
  type IpRangeName,
} from './egress-guard.ts';
export {
  ContainmentError,
  type ContainmentErrorCode,
  type ContainmentErrorOptions,
} from './errors.ts';
export { GIT_HOOK_NAMES } from './hook-files.ts';
export {
  type ContainmentOptions,
  type InstallOptions,
  type InstallReport,
  installContainment,
  listWorktrees,
  type UninstallReport,
  uninstallContainment,
  type WorktreeInfo,
} from './install.ts';
export {
  createPathGuard,
  type PathDecision,
  type PathDecisionReason,
  type PathGuard,
  type PathGuardOptions,
  pathDeniedError,
} from './path-guard.ts';
export {
  type ConfirmPromotion,
  type PromoteOptions,
  type PromotionCommit,
  type PromotionFile,
  type PromotionFinding,
  type PromotionPlan,
  type PromotionRecord,
  planPromotion,
  promote,
} from './promote.ts';
export { type OpenInsideFlags, openInside } from './safe-open.ts';
export {
  detectSandbox,
  runSandboxed,
  type SandboxAvailability,
  type SandboxOptions,
  type SandboxResult,
  sandboxProfile,
} from './sandbox.ts';
export { type SeatbeltInvocation, seatbeltProfile } from './seatbelt.ts';
export {
  type ContainmentAlert,
  type ContainmentLayer,
  type VerifyReport,
  verifyContainment,
} from './verify.ts';

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
export {
  createPathGuard,
  type PathDecision,
  type PathDecisionReason,
  type PathGuard,
  type PathGuardOptions,
  pathDeniedError,
} from './path-guard.ts';
export { type OpenInsideFlags, openInside } from './safe-open.ts';

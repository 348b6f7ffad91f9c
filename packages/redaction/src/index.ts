export {
  createEgressTransform,
  type DroppedFile,
  type EgressContext,
  type EgressFile,
  type EgressOptions,
  type EgressResult,
  type EgressTransformOptions,
  prepareEgress,
  type ReleasedFile,
} from './egress.ts';
export { RedactionError, type RedactionErrorCode, type RedactionErrorOptions } from './errors.ts';
export type { Finding, FindingConfidence, FindingKind } from './finding.ts';
export { fingerprintSecret } from './fingerprint.ts';
export { createLogRedactor, type LogRedactor } from './log-redactor.ts';
export {
  type Consent,
  type CustomRule,
  DEFAULT_NEVER_LEAVE,
  neverLeaveGlobs,
  type Policy,
  type PolicyInput,
  type PrivacyMode,
  parsePolicy,
  type SafeParsePolicyResult,
  safeParsePolicy,
} from './policy.ts';
export {
  createObjectRedactor,
  DEFAULT_SENSITIVE_KEYS,
  type ObjectRedactor,
  type RedactObjectOptions,
  redactObject,
} from './redact-object.ts';
export {
  type MaskPathsOptions,
  maskPaths,
  type RedactPathOptions,
  redactPath,
  USER_MASK,
} from './redact-path.ts';
export {
  createRedactionStream,
  createRedactTransform,
  DEFAULT_MAX_WINDOW,
  type RedactStreamOptions,
} from './redact-stream.ts';
export {
  type AllowList,
  type RedactTextOptions,
  type RedactTextResult,
  redactText,
  type TextScanner,
} from './redact-text.ts';
export {
  type ClientErrorResult,
  type SanitizedErrorRecord,
  type SanitizeErrorOptions,
  sanitizeError,
  toClientError,
} from './sanitize-error.ts';
export {
  createScanner,
  type Detector,
  type Explanation,
  listRules,
  type RuleInfo,
  type ScanAllowList,
  type Scanner,
  type ScanOptions,
  type ScanRule,
  scan,
} from './scanner.ts';
export { createVault, type Vault } from './vault.ts';

import { z } from 'zod';
import { RedactionError } from './errors.ts';

/**
 * How much project context may leave the device for cloud-backed features.
 * - `off` (the default): nothing leaves.
 * - `redacted`: sensitive files are dropped, home paths and user names are
 *   masked, secrets and PII are replaced by typed placeholders.
 * - `full`: explicit, recorded consent; files and PII leave, credentials still
 *   do not (unless {@link Policy.allowCredentialsInFullMode} names them).
 */
export type PrivacyMode = 'off' | 'redacted' | 'full';

/** A recorded consent for `full` mode. */
export interface Consent {
  /** Who consented (a user id or e-mail; kept as given). */
  readonly grantedBy: string;
  /** When, as an ISO-8601 date-time. */
  readonly grantedAt: string;
  /** The features the consent covers, e.g. `['cloud-assist']`; `'*'` covers all. */
  readonly scope: readonly string[];
  /** When the consent lapses, as an ISO-8601 date-time (after `grantedAt`). */
  readonly expiresAt: string;
}

/** A custom detection rule, passed through to the scanner. */
export interface CustomRule {
  /** Stable id, lowercase kebab-case, e.g. `acme-api-key`. */
  readonly id: string;
  /** A JavaScript regular-expression source; the whole match is the secret. */
  readonly pattern: string;
  /** Extra flags (`i`, `m`, `s`, `u`); `g` is added by the scanner. */
  readonly flags?: string | undefined;
  /** `secret` (default) or `pii`. */
  readonly kind?: 'secret' | 'pii' | undefined;
  /** Literal keywords that must appear near a match (speeds up scanning). */
  readonly keywords?: readonly string[] | undefined;
}

/** One project's validated redaction policy (frozen). */
export interface Policy {
  readonly version: 1;
  readonly mode: PrivacyMode;
  readonly paths: {
    /** Globs (micromatch, dotfiles matched) of files that never leave the device. */
    readonly neverLeave: readonly string[];
    /** Whether {@link DEFAULT_NEVER_LEAVE} is added to `neverLeave`. */
    readonly useDefaults: boolean;
  };
  readonly detectors: {
    readonly secrets: boolean;
    readonly pii: boolean;
    /** Scanner rule ids that are switched off. */
    readonly disabledRules: readonly string[];
  };
  readonly allowList: {
    /** Exact values that are never redacted (e.g. documented example keys). */
    readonly values: readonly string[];
    /** Finding fingerprints that are never redacted. */
    readonly fingerprints: readonly string[];
  };
  readonly customRules: readonly CustomRule[];
  /** Required for `full` mode. */
  readonly consent?: Consent | undefined;
  /**
   * Credentials that `full` mode may release. Empty by default: even with
   * consent, no credential leaves unless named here.
   */
  readonly allowCredentialsInFullMode: {
    /** Globs of never-leave files that `full` mode may send anyway. */
    readonly paths: readonly string[];
    /** Secret rule ids whose values `full` mode may send unredacted. */
    readonly rules: readonly string[];
  };
}

/**
 * Files that never leave the device by default: env files, private keys,
 * keystores, credential stores, cloud and package-manager credentials.
 *
 * Exported from `@palisade/redaction`.
 *
 * @example The defaults include `.env` files in any directory.
 * ```ts
 * DEFAULT_NEVER_LEAVE.includes('**\/.env*'); // true
 * ```
 */
export const DEFAULT_NEVER_LEAVE: readonly string[] = Object.freeze([
  '**/.env',
  '**/.env.*',
  '**/.env*',
  '**/*.pem',
  '**/*.key',
  '**/*.p12',
  '**/*.pfx',
  '**/*.jks',
  '**/*.keystore',
  '**/*.kdbx',
  '**/id_rsa*',
  '**/id_dsa*',
  '**/id_ecdsa*',
  '**/id_ed25519*',
  '**/.ssh/**',
  '**/.gnupg/**',
  '**/.aws/credentials',
  '**/.aws/config',
  '**/.azure/**',
  '**/.config/gcloud/**',
  '**/*credentials*.json',
  '**/credentials',
  '**/.netrc',
  '**/_netrc',
  '**/.npmrc',
  '**/.pypirc',
  '**/.git-credentials',
  '**/.docker/config.json',
  '**/.kube/config',
  '**/*.tfstate',
  '**/*.tfstate.*',
  '**/*.tfvars',
  '**/secrets/**',
  '**/.secrets/**',
  '**/secret.*',
  '**/secrets.*',
  '**/*.secret',
  '**/.htpasswd',
]);

const iso = z.iso.datetime({ offset: true });

const consentSchema = z
  .strictObject({
    grantedBy: z.string().min(1).max(256),
    grantedAt: iso,
    scope: z.array(z.string().min(1).max(128)).min(1),
    expiresAt: iso,
  })
  .refine((c) => Date.parse(c.expiresAt) > Date.parse(c.grantedAt), {
    message: 'expiresAt must be after grantedAt',
    path: ['expiresAt'],
  });

const ruleId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lowercase kebab-case');

const customRuleSchema = z
  .strictObject({
    id: ruleId,
    pattern: z.string().min(1).max(4096),
    flags: z
      .string()
      .regex(/^[imsu]*$/, 'only the flags i, m, s, u are allowed')
      .optional(),
    kind: z.enum(['secret', 'pii']).optional(),
    keywords: z.array(z.string().min(1).max(64)).optional(),
  })
  .superRefine((rule, ctx) => {
    try {
      new RegExp(rule.pattern, rule.flags ?? '');
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: 'not a valid regular expression',
        path: ['pattern'],
      });
    }
  });

const globList = z.array(z.string().min(1).max(1024));

/** The input accepted by {@link parsePolicy}: every field optional, defaults filled in. */
export interface PolicyInput {
  readonly version?: 1 | undefined;
  readonly mode?: PrivacyMode | undefined;
  readonly paths?:
    | {
        readonly neverLeave?: readonly string[] | undefined;
        readonly useDefaults?: boolean | undefined;
      }
    | undefined;
  readonly detectors?:
    | {
        readonly secrets?: boolean | undefined;
        readonly pii?: boolean | undefined;
        readonly disabledRules?: readonly string[] | undefined;
      }
    | undefined;
  readonly allowList?:
    | {
        readonly values?: readonly string[] | undefined;
        readonly fingerprints?: readonly string[] | undefined;
      }
    | undefined;
  readonly customRules?: readonly CustomRule[] | undefined;
  readonly consent?: Consent | undefined;
  readonly allowCredentialsInFullMode?:
    | {
        readonly paths?: readonly string[] | undefined;
        readonly rules?: readonly string[] | undefined;
      }
    | undefined;
}

const policySchema: z.ZodType<Policy, PolicyInput> = z.strictObject({
  version: z.literal(1).default(1),
  mode: z.enum(['off', 'redacted', 'full']).default('off'),
  paths: z
    .strictObject({
      neverLeave: globList.default([]),
      useDefaults: z.boolean().default(true),
    })
    .default({ neverLeave: [], useDefaults: true }),
  detectors: z
    .strictObject({
      secrets: z.boolean().default(true),
      pii: z.boolean().default(true),
      disabledRules: z.array(ruleId).default([]),
    })
    .default({ secrets: true, pii: true, disabledRules: [] }),
  allowList: z
    .strictObject({
      values: z.array(z.string().min(1)).default([]),
      fingerprints: z.array(z.string().min(1)).default([]),
    })
    .default({ values: [], fingerprints: [] }),
  customRules: z.array(customRuleSchema).default([]),
  consent: consentSchema.optional(),
  allowCredentialsInFullMode: z
    .strictObject({
      paths: globList.default([]),
      rules: z.array(ruleId).default([]),
    })
    .default({ paths: [], rules: [] }),
});

/** The result of {@link safeParsePolicy}. */
export type SafeParsePolicyResult =
  | { readonly success: true; readonly data: Policy }
  | { readonly success: false; readonly error: RedactionError };

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

/**
 * Validates a policy without throwing.
 *
 * Exported from `@palisade/redaction`.
 *
 * @param input - a parsed JSON value (e.g. from `palisade.policy.json`).
 * @returns `{ success: true, data }` with a frozen {@link Policy}, or
 *   `{ success: false, error }` with an `ERR_REDACTION_INVALID_POLICY` error.
 * @example Check a policy read from disk.
 * ```ts
 * const r = safeParsePolicy({ mode: 'redacted' });
 * if (r.success) r.data.mode; // 'redacted'
 * ```
 */
export function safeParsePolicy(input: unknown): SafeParsePolicyResult {
  const r = policySchema.safeParse(input ?? {});
  if (r.success) return { success: true, data: deepFreeze(r.data) };
  const issue = r.error.issues[0];
  const where = issue === undefined ? '(root)' : formatPath(issue.path);
  const detail = issue === undefined ? 'invalid' : issue.message;
  const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more)` : '';
  return {
    success: false,
    error: new RedactionError(
      'ERR_REDACTION_INVALID_POLICY',
      `invalid redaction policy at "${where}": ${detail}${more}`,
    ),
  };
}

/**
 * Validates a policy and returns it frozen, with defaults filled in (`mode`
 * defaults to `off`, path rules to {@link DEFAULT_NEVER_LEAVE}).
 *
 * Exported from `@palisade/redaction`.
 *
 * @param input - a parsed JSON value; `undefined` gives the default policy.
 * @returns the frozen {@link Policy}.
 * @throws RedactionError `ERR_REDACTION_INVALID_POLICY`, naming the path of
 *   the first bad field (never its value).
 * @example Parse a redacted-mode policy.
 * ```ts
 * const policy = parsePolicy({ mode: 'redacted', paths: { neverLeave: ['private/**'] } });
 * ```
 */
export function parsePolicy(input?: unknown): Policy {
  const r = safeParsePolicy(input);
  if (!r.success) throw r.error;
  return r.data;
}

/**
 * The effective never-leave globs of a policy (its own plus the defaults).
 *
 * Exported from `@palisade/redaction`.
 *
 * @param policy - a parsed policy.
 * @returns the globs, defaults first.
 * @example
 * ```ts
 * neverLeaveGlobs(parsePolicy()).length > 0; // true
 * ```
 */
export function neverLeaveGlobs(policy: Policy): readonly string[] {
  return policy.paths.useDefaults
    ? [...DEFAULT_NEVER_LEAVE, ...policy.paths.neverLeave]
    : [...policy.paths.neverLeave];
}

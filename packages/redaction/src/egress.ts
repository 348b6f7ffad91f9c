import type { Transform } from 'node:stream';
import micromatch from 'micromatch';
import { RedactionError } from './errors.ts';
import type { Finding, FindingKind } from './finding.ts';
import { scannerForPolicy } from './internal/policy-scanner.ts';
import { neverLeaveGlobs, type Policy } from './policy.ts';
import { maskPaths } from './redact-path.ts';
import { createRedactTransform, type RedactStreamOptions } from './redact-stream.ts';
import {
  createRun,
  type RedactionRun,
  type RedactTextOptions,
  redactWithRun,
  type TextScanner,
} from './redact-text.ts';
import type { Vault } from './vault.ts';

/** One file of agent context. */
export interface EgressFile {
  /** Project-relative (or absolute) path; `\` and `/` both accepted. */
  readonly path: string;
  readonly content: string;
}

/** The context an agent would like to send off the device. */
export interface EgressContext {
  readonly files?: readonly EgressFile[];
  /** Free text: prompts, terminal output, log lines. */
  readonly messages?: readonly string[];
}

/** Options for {@link prepareEgress}. */
export interface EgressOptions {
  /** The current time (for consent expiry); default `new Date()`. */
  readonly now?: Date | number;
  /** The feature asking, matched against `consent.scope` in `full` mode (default `'context'`). */
  readonly scope?: string;
  /** Override the scanner built from the policy. */
  readonly scanner?: TextScanner;
  /** Make placeholders reversible on the device. */
  readonly vault?: Vault;
  /** User names to mask in `redacted` mode (default: the current OS user). */
  readonly usernames?: readonly string[];
}

/** A file that may leave, as it may leave. */
export interface ReleasedFile extends EgressFile {
  /** Position in `context.files`. */
  readonly index: number;
  /** The findings that were replaced (spans into the original content). */
  readonly replaced: readonly Finding[];
}

/** A file held back on the device. */
export interface DroppedFile {
  readonly index: number;
  /** The path, masked as in `redacted` mode. */
  readonly path: string;
  readonly reason: 'never-leave';
}

/** What {@link prepareEgress} allows to leave. */
export interface EgressResult {
  readonly mode: 'redacted' | 'full';
  readonly files: readonly ReleasedFile[];
  readonly dropped: readonly DroppedFile[];
  readonly messages: readonly string[];
  /** Total number of values replaced by placeholders. */
  readonly redactions: number;
}

function normalise(path: string): string {
  return path
    .replace(/\\/g, '/')
    .replace(/^[A-Za-z]:\//, '/')
    .replace(/^(\.\/)+/, '')
    .replace(/^\/+/, '');
}

function compileGlobs(globs: readonly string[]): (path: string) => boolean {
  // A glob without a slash matches the file name in any directory (like
  // .gitignore). micromatch's own `basename` option mis-handles globs that do
  // contain slashes, so the split is done here.
  const opts = { dot: true, nocase: true };
  const full = globs.filter((g) => g.includes('/')).map((g) => micromatch.matcher(g, opts));
  const base = globs.filter((g) => !g.includes('/')).map((g) => micromatch.matcher(g, opts));
  return (path) => {
    const p = normalise(path);
    const name = p.slice(p.lastIndexOf('/') + 1);
    return full.some((m) => m(p)) || base.some((m) => m(name));
  };
}

function consentError(reason: string): RedactionError {
  return new RedactionError(
    'ERR_REDACTION_CONSENT_REQUIRED',
    `full mode needs a recorded consent: ${reason}`,
  );
}

function checkConsent(policy: Policy, now: number, scope: string): void {
  const c = policy.consent;
  if (c === undefined) throw consentError('the policy records none');
  if (!c.scope.includes(scope) && !c.scope.includes('*')) {
    throw consentError(`the consent does not cover the scope "${scope.slice(0, 64)}"`);
  }
  if (now < Date.parse(c.grantedAt)) throw consentError('the consent is dated in the future');
  if (now >= Date.parse(c.expiresAt)) throw consentError('the consent has expired');
}

interface PreparedMode {
  readonly mode: 'redacted' | 'full';
  readonly textOptions: RedactTextOptions;
  readonly run: RedactionRun;
  readonly mask: (s: string) => string;
  readonly usernames: readonly string[] | undefined;
  readonly neverLeave: (path: string) => boolean;
  readonly releasable: (path: string) => boolean;
}

function prepareMode(policy: Policy, options: EgressOptions | undefined): PreparedMode {
  if (typeof policy !== 'object' || policy === null || typeof policy.mode !== 'string') {
    throw new TypeError('expected a policy from parsePolicy');
  }
  if (policy.mode === 'off') {
    throw new RedactionError(
      'ERR_REDACTION_EGRESS_DISABLED',
      'privacy mode is off: no project context may leave this device',
    );
  }
  const mode = policy.mode;
  const nowValue = options?.now ?? Date.now();
  const now = typeof nowValue === 'number' ? nowValue : nowValue.getTime();
  if (!Number.isFinite(now)) throw new TypeError('options.now must be a valid time');
  if (mode === 'full') checkConsent(policy, now, options?.scope ?? 'context');

  const neverLeave = compileGlobs(neverLeaveGlobs(policy));
  const releasable =
    mode === 'full' ? compileGlobs(policy.allowCredentialsInFullMode.paths) : () => false;
  const releasedRules = new Set(mode === 'full' ? policy.allowCredentialsInFullMode.rules : []);
  const kinds: FindingKind[] = [];
  if (policy.detectors.secrets) kinds.push('secret');
  if (policy.detectors.pii && mode === 'redacted') kinds.push('pii');
  const textOptions: RedactTextOptions = {
    scanner: options?.scanner ?? scannerForPolicy(policy),
    allowList: policy.allowList,
    kinds,
    ...(options?.vault === undefined ? {} : { vault: options.vault }),
    ...(releasedRules.size === 0 ? {} : { keep: (f: Finding) => releasedRules.has(f.ruleId) }),
  };
  const run = createRun(textOptions);
  const usernames = options?.usernames;
  const mask =
    mode === 'redacted'
      ? (s: string): string =>
          maskPaths(
            s,
            options?.usernames === undefined ? undefined : { usernames: options.usernames },
          )
      : (s: string): string => s;

  return { mode, textOptions, run, mask, usernames, neverLeave, releasable };
}

/**
 * Decides what agent context may leave the device under a policy:
 * - `off`: nothing; throws `ERR_REDACTION_EGRESS_DISABLED`.
 * - `redacted`: files matching the never-leave globs are dropped; secrets and
 *   PII are replaced by typed placeholders; home directories and user names
 *   are masked in paths and content.
 * - `full`: needs a recorded, unexpired consent covering `options.scope`;
 *   files and PII leave, but never-leave files are still dropped and secrets
 *   still replaced unless `allowCredentialsInFullMode` names them.
 * Whatever `redacted` releases, `full` releases too. Inputs are not changed.
 *
 * Exported from `@palisade/redaction`.
 *
 * @param policy - a policy from `parsePolicy`.
 * @param context - the files and messages that would be sent.
 * @param options - clock, scope, scanner, vault and user names.
 * @returns what may leave, and what was held back.
 * @throws RedactionError `ERR_REDACTION_EGRESS_DISABLED` in `off` mode;
 *   `ERR_REDACTION_CONSENT_REQUIRED` in `full` mode without a valid consent;
 *   TypeError on a malformed policy, context or `now`.
 * @example Prepare context for a cloud assistant.
 * ```ts
 * const policy = parsePolicy({ mode: 'redacted' });
 * const out = prepareEgress(policy, { files: [{ path: '.env', content: 'A=1' }] });
 * out.dropped[0]?.path; // '.env'
 * ```
 */
export function prepareEgress(
  policy: Policy,
  context: EgressContext,
  options?: EgressOptions,
): EgressResult {
  if (typeof context !== 'object' || context === null) {
    throw new TypeError('prepareEgress expects a context object');
  }
  const { mode, run, mask, neverLeave, releasable } = prepareMode(policy, options);
  const files: ReleasedFile[] = [];
  const dropped: DroppedFile[] = [];
  let redactions = 0;
  for (const [index, file] of (context.files ?? []).entries()) {
    if (typeof file?.path !== 'string' || typeof file.content !== 'string') {
      throw new TypeError(`context.files[${index}] needs a string path and content`);
    }
    if (neverLeave(file.path) && !releasable(file.path)) {
      dropped.push({
        index,
        path: maskPaths(
          file.path,
          options?.usernames === undefined ? undefined : { usernames: options.usernames },
        ),
        reason: 'never-leave',
      });
      continue;
    }
    const r = redactWithRun(run, file.content);
    redactions += r.findings.length;
    files.push({
      index,
      path: mask(redactWithRun(run, file.path).text),
      content: mask(r.text),
      replaced: r.findings,
    });
  }
  const messages = (context.messages ?? []).map((m, i) => {
    if (typeof m !== 'string') throw new TypeError(`context.messages[${i}] must be a string`);
    const r = redactWithRun(run, m);
    redactions += r.findings.length;
    return mask(r.text);
  });
  return { mode, files, dropped, messages, redactions };
}

/** Options for {@link createEgressTransform}. */
export interface EgressTransformOptions extends EgressOptions {
  /** The bound on held-back text (see `RedactStreamOptions.maxWindow`). */
  readonly maxWindow?: number;
}

/**
 * A Node.js `Transform` that lets a text stream leave the device under a
 * policy, with the same rules as {@link prepareEgress} for content: `redacted`
 * replaces secrets and PII and masks home paths and user names; `full` (with
 * consent) replaces secrets only, except rules named in
 * `allowCredentialsInFullMode`.
 *
 * Exported from `@palisade/redaction`.
 *
 * @param policy - a policy from `parsePolicy`.
 * @param options - clock, scope, scanner, vault, user names and window.
 * @returns a Transform (UTF-8 in, UTF-8 out).
 * @throws RedactionError `ERR_REDACTION_EGRESS_DISABLED` in `off` mode;
 *   `ERR_REDACTION_CONSENT_REQUIRED` in `full` mode without a valid consent.
 * @example Stream a log file out in redacted mode.
 * ```ts
 * createReadStream('app.log').pipe(createEgressTransform(parsePolicy({ mode: 'redacted' }))).pipe(socket);
 * ```
 */
export function createEgressTransform(policy: Policy, options?: EgressTransformOptions): Transform {
  const prepared = prepareMode(policy, options);
  const streamOptions: RedactStreamOptions = {
    ...prepared.textOptions,
    maskPaths:
      prepared.mode === 'redacted'
        ? prepared.usernames === undefined
          ? true
          : { usernames: prepared.usernames }
        : false,
    ...(options?.maxWindow === undefined ? {} : { maxWindow: options.maxWindow }),
  };
  return createRedactTransform(streamOptions);
}

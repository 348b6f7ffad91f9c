import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { ContainmentError } from './errors.ts';
import { resolveLayout } from './internal/layout.ts';
import { HIDDEN_HOME_DIRS, HIDDEN_HOME_FILES, readOnlyPaths } from './internal/sandbox-paths.ts';
import type { SandboxOptions } from './sandbox.ts';

/** A macOS Seatbelt profile and the `sandbox-exec` arguments that apply it. */
export interface SeatbeltInvocation {
  /**
   * The SBPL profile. It never contains a path: every path is a parameter
   * (`(param "WORKTREE")`), so no file name can change the profile's meaning.
   */
  readonly profile: string;
  /** The parameter values, passed as `-D NAME=value`. */
  readonly params: Readonly<Record<string, string>>;
  /** The whole argument list for `sandbox-exec`: `-D NAME=value`..., `-p <profile>`, the command and its arguments. */
  readonly args: readonly string[];
}

/** Seatbelt matches the resolved path (`/tmp` is `/private/tmp` on macOS): resolve what exists. */
function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

function checkPath(p: string, what: string): string {
  if (typeof p !== 'string' || !isAbsolute(p) || p.includes('\0')) {
    throw new ContainmentError(
      'ERR_CONTAINMENT_INVALID_ARGUMENT',
      `seatbelt profile: ${what} must be an absolute path without NUL`,
    );
  }
  return p;
}

/** Devices any shell needs to write (the terminal, /dev/null, file-descriptor aliases). */
const WRITABLE_DEVICES = [
  '  (literal "/dev/null")',
  '  (literal "/dev/zero")',
  '  (literal "/dev/tty")',
  '  (literal "/dev/dtracehelper")',
  '  (regex #"^/dev/fd/[0-9]+$")',
  '  (regex #"^/dev/ttys[0-9]+$")',
];

/**
 * Builds a macOS Seatbelt (`sandbox-exec`) profile for the sandbox tier: the
 * macOS counterpart of {@link sandboxProfile}'s bubblewrap arguments. No
 * network at all; writes refused everywhere except the worktree, its
 * repository's git dir, the private temp dir and `writable`; the containment
 * files (`.git/config`, every `config.worktree` and worktree link, the shared
 * hooks dir, `<git-common-dir>/palisade`, the worktree's `.git` file, the
 * shim dir) refused for writing although they lie in the repository; the
 * credential stores of the home directory (`.ssh`, `.git-credentials`,
 * `.config/gh`, ...) refused for reading and writing; and lookups of the
 * keychain service refused.
 *
 * **Untested here:** this package is developed and tested on Linux, where
 * `sandbox-exec` does not exist. Only the generated text is tested
 * (structure, parameters, and that no path can reach the profile text); that
 * macOS enforces it as described has not been observed. `runSandboxed` does
 * not use it; `detectSandbox` reports macOS as having no sandbox tier.
 *
 * Paths are passed as `-D NAME=value` parameters and referenced as
 * `(param "NAME")`; the profile itself contains no path, so quotes,
 * parentheses, semicolons, backslashes, newlines or any unicode in a path
 * cannot inject SBPL. Later rules take precedence over earlier ones in SBPL,
 * which is why the read-only rules follow the writable ones.
 *
 * Exported from `@palisade/containment`.
 *
 * @param options - The worktree, the command, extra writable dirs, the shim dir and the environment (for `HOME` and git).
 * @param tmp - The private writable temp dir.
 * @returns The profile, its parameters and the `sandbox-exec` arguments.
 * @throws {ContainmentError} `ERR_CONTAINMENT_NOT_A_REPOSITORY` when `worktree` is not a git worktree;
 *   `ERR_CONTAINMENT_INVALID_ARGUMENT` when `tmp` or a writable dir is not an absolute path or contains NUL.
 * @example Run an agent command under Seatbelt on macOS (untested by this package).
 * ```ts
 * const sb = await seatbeltProfile({ worktree: '/repo/wt', command: 'sh', args: ['-c', 'make'] }, tmp);
 * spawn('/usr/bin/sandbox-exec', [...sb.args], { env: scrubAgentEnv(process.env) });
 * ```
 */
export async function seatbeltProfile(
  options: SandboxOptions,
  tmp: string,
): Promise<SeatbeltInvocation> {
  const layout = await resolveLayout(options.worktree, options.env);
  const params: Record<string, string> = {};
  const refs = (prefix: string, paths: readonly string[], filter: 'subpath' | 'literal') =>
    paths.map((p, i) => {
      params[`${prefix}${i}`] = real(p);
      return `  (${filter} (param "${prefix}${i}"))`;
    });
  params['WORKTREE'] = real(layout.worktree);
  params['GIT_COMMON_DIR'] = real(layout.commonDir);
  params['GIT_DIR'] = real(layout.gitDir);
  params['TMP'] = real(checkPath(tmp, 'tmp'));
  const writable = refs(
    'WRITABLE_',
    (options.writable ?? []).map((w) => checkPath(w, 'a writable dir')),
    'subpath',
  );
  const readOnly = refs('READ_ONLY_', readOnlyPaths(layout, options.shimDir), 'subpath');
  const home = options.env?.['HOME'] ?? homedir();
  const hidden = [
    ...refs(
      'HIDDEN_DIR_',
      HIDDEN_HOME_DIRS.map((d) => join(home, d)),
      'subpath',
    ),
    ...refs(
      'HIDDEN_FILE_',
      HIDDEN_HOME_FILES.map((f) => join(home, f)),
      'literal',
    ),
  ];
  const lines = [
    '(version 1)',
    '; @palisade/containment sandbox tier for macOS (sandbox-exec). Generated; every path is a -D parameter.',
    '; Untested by @palisade/containment: developed on Linux, where Seatbelt does not exist.',
    '(allow default)',
    '; No network at all: no route to the forge, no local sockets (credential agents included).',
    '(deny network*)',
    '; Writes only inside the worktree, its repository, the private temp dir and the extra writable dirs.',
    '(deny file-write*)',
    '(allow file-write*',
    '  (subpath (param "WORKTREE"))',
    '  (subpath (param "GIT_COMMON_DIR"))',
    '  (subpath (param "GIT_DIR"))',
    '  (subpath (param "TMP"))',
    ...writable,
    ...WRITABLE_DEVICES,
    ')',
  ];
  // An SBPL rule without filters applies to everything: emit a rule only with paths.
  if (readOnly.length > 0) {
    lines.push(
      '; The containment files stay read-only although they lie in the repository (later rules win).',
      '(deny file-write*',
      ...readOnly,
      ')',
    );
  }
  lines.push(
    '; Credential stores: neither read nor written.',
    '(deny file-read* file-write*',
    ...hidden,
    ')',
    '; The keychain (git credential-osxkeychain, the gh CLI) through the security service.',
    '(deny mach-lookup (global-name "com.apple.SecurityServer") (global-name "com.apple.securityd.xpc"))',
    '',
  );
  const profile = lines.join('\n');
  const args: string[] = [];
  for (const [name, value] of Object.entries(params)) args.push('-D', `${name}=${value}`);
  args.push('-p', profile, options.command, ...(options.args ?? []));
  return Object.freeze({
    profile,
    params: Object.freeze({ ...params }),
    args: Object.freeze(args),
  });
}

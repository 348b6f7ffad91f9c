import { userInfo } from 'node:os';
import { type RedactTextOptions, redactText } from './redact-text.ts';

/** Options for {@link maskPaths} and {@link redactPath}. */
export interface MaskPathsOptions {
  /**
   * User names to mask wherever they appear as a whole word. Defaults to the
   * current OS user (`os.userInfo().username`) when that name is specific
   * enough (at least 3 characters and not a generic account such as `root`).
   */
  readonly usernames?: readonly string[];
}

/**
 * The mask that replaces a user name (also inside home directories).
 *
 * Exported from `@palisade/redaction`.
 *
 * @example
 * ```ts
 * maskPaths('/home/alice/x', { usernames: [] }) === `/home/${USER_MASK}/x`; // true
 * ```
 */
export const USER_MASK = '<user>';

// Generic account names: masking them everywhere would garble ordinary text.
const GENERIC_USERS = new Set([
  'root',
  'user',
  'users',
  'admin',
  'runner',
  'ubuntu',
  'node',
  'app',
  'home',
  'debian',
  'shared',
  'public',
  'default',
  'guest',
  'nobody',
  'system',
  'administrator',
]);

const SEGMENT = String.raw`[^\\/\s<>"'\x60:;,|*?()\[\]{}]+`;
// /home/alice, /Users/alice, C:\Users\alice, C:/Users/alice, C:\\Users\\alice (JSON-escaped).
const HOME_RE = new RegExp(
  String.raw`(/home/|/Users/|\b[A-Za-z]:(?:\\\\|\\|/)Users(?:\\\\|\\|/))(${SEGMENT})`,
  'g',
);

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function currentUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

const cache = new Map<string, RegExp | null>();

function usernameRe(names: readonly string[]): RegExp | null {
  const key = names.join('\u0000');
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const specific = names.filter((n) => n.length >= 3 && !GENERIC_USERS.has(n.toLowerCase()));
  const re =
    specific.length === 0
      ? null
      : new RegExp(
          String.raw`(?<![A-Za-z0-9_.\-])(?:${specific.map(escapeRe).join('|')})(?![A-Za-z0-9_\-])`,
          'g',
        );
  if (cache.size > 64) cache.clear();
  cache.set(key, re);
  return re;
}

/**
 * Masks sensitive path strings inside any text: the user-name segment of home
 * directories (`/home/<user>`, `/Users/<user>`, `C:\Users\<user>`) and the
 * given user names as whole words. Masking twice changes nothing.
 *
 * Exported from `@palisade/redaction`.
 *
 * @param text - any text (logs, stack traces, file contents).
 * @param options - user names to mask; defaults to the current OS user.
 * @returns the text with home directories and user names masked.
 * @throws TypeError when `text` is not a string.
 * @example Mask a home directory.
 * ```ts
 * maskPaths('open /home/alice/work/app.ts', { usernames: [] }); // 'open /home/<user>/work/app.ts'
 * ```
 */
export function maskPaths(text: string, options?: MaskPathsOptions): string {
  if (typeof text !== 'string') throw new TypeError('maskPaths expects a string');
  let out = text;
  if (out.includes('/home/') || out.includes('Users')) {
    out = out.replace(HOME_RE, (m, prefix: string, name: string) =>
      GENERIC_USERS.has(name.toLowerCase()) && name.toLowerCase() !== 'root'
        ? m
        : `${prefix}${USER_MASK}`,
    );
  }
  const names = options?.usernames ?? [currentUser() ?? ''];
  const re = usernameRe(names);
  if (re !== null) out = out.replace(re, USER_MASK);
  return out;
}

/** Options for {@link redactPath}. */
export interface RedactPathOptions extends MaskPathsOptions, RedactTextOptions {}

/**
 * Redacts a file path: masks the home directory and user name, and replaces
 * any secret embedded in it (a token in a URL-like path, for example).
 *
 * Exported from `@palisade/redaction`.
 *
 * @param path - a file path or URL.
 * @param options - user names and redaction options.
 * @returns the path, safe to send or log.
 * @throws TypeError when `path` is not a string.
 * @example
 * ```ts
 * redactPath('C:\\Users\\alice\\.ssh\\id_rsa', { usernames: [] }); // 'C:\\Users\\<user>\\.ssh\\id_rsa'
 * ```
 */
export function redactPath(path: string, options?: RedactPathOptions): string {
  if (typeof path !== 'string') throw new TypeError('redactPath expects a string');
  return maskPaths(redactText(path, options).text, options);
}

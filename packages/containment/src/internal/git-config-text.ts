/** Quotes a git config value (always double-quoted, `\` and `"` escaped). */
export function quoteConfigValue(value: string): string {
  if (/[\n\r\0]/.test(value))
    throw new RangeError('git config values cannot contain newlines or NUL');
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Quotes a git config subsection name (`[remote "<name>"]`). */
export function quoteSubsection(name: string): string {
  if (/[\n\r\0]/.test(name))
    throw new RangeError('git config subsections cannot contain newlines or NUL');
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** One entry of `git config --list --show-scope -z`. */
export interface ConfigEntry {
  readonly scope: string;
  /** Lower-cased section and variable name; subsection case kept. */
  readonly key: string;
  /** `null` for a key given without `=` (boolean true). */
  readonly value: string | null;
}

/** Parses `git config --list --show-scope -z` output. */
export function parseScopedList(out: string): ConfigEntry[] {
  const parts = out.split('\0');
  const entries: ConfigEntry[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const scope = parts[i] ?? '';
    const kv = parts[i + 1] ?? '';
    const nl = kv.indexOf('\n');
    entries.push(
      nl === -1
        ? { scope, key: kv, value: null }
        : { scope, key: kv.slice(0, nl), value: kv.slice(nl + 1) },
    );
  }
  return entries;
}

/** Remote names defined by `remote.<name>.url` in any scope except `command`. */
export function remoteNames(entries: readonly ConfigEntry[]): string[] {
  const names = new Set<string>();
  for (const e of entries) {
    if (e.scope === 'command') continue;
    const m = /^remote\.(.+)\.url$/s.exec(e.key);
    if (m?.[1] !== undefined) names.add(m[1]);
  }
  return [...names].sort();
}

import type { FindingKind } from './finding.ts';

/**
 * A device-local, in-memory map from typed placeholders to the values they
 * replaced, so an answer that comes back from a cloud assistant can be
 * restored on the device. The vault never serialises its values:
 * `JSON.stringify(vault)`, `String(vault)` and `util.inspect(vault)` show only
 * the number of entries.
 */
export interface Vault {
  /** Number of distinct values held. */
  readonly size: number;
  /**
   * The placeholder for a value, e.g. `<secret:aws-access-key-id#1>`; the same
   * value under the same rule always gets the same placeholder.
   */
  placeholder(kind: FindingKind, ruleId: string, value: string): string;
  /** Replaces every placeholder this vault issued with its original value. */
  restore(text: string): string;
  /** Forgets every value. */
  clear(): void;
  /** `{ size }` only: the values never serialise. */
  toJSON(): { readonly size: number };
}

/**
 * Matches any typed placeholder: `<secret:rule-id#n>` or `<pii:rule-id#n>`.
 * @internal
 */
export const PLACEHOLDER_RE: RegExp = /<(?:secret|pii):[a-z0-9][a-z0-9._-]*#\d+>/g;

/**
 * Issues typed placeholders numbered per rule (`#1`, `#2`, ...) for one
 * redaction run or one vault.
 * @internal
 */
export class PlaceholderNumbering {
  readonly #byKey = new Map<string, Map<string, number>>();

  /** The placeholder for `value`, allocating the next number on first sight. */
  placeholder(kind: FindingKind, ruleId: string, value: string): string {
    const key = `${kind}:${ruleId}`;
    let values = this.#byKey.get(key);
    if (values === undefined) {
      values = new Map();
      this.#byKey.set(key, values);
    }
    let n = values.get(value);
    if (n === undefined) {
      n = values.size + 1;
      values.set(value, n);
    }
    return `<${key}#${n}>`;
  }

  /** Every issued placeholder with its value. */
  *entries(): IterableIterator<[string, string]> {
    for (const [key, values] of this.#byKey) {
      for (const [value, n] of values) yield [`<${key}#${n}>`, value];
    }
  }

  clear(): void {
    this.#byKey.clear();
  }
}

const inspectSymbol = Symbol.for('nodejs.util.inspect.custom');

/**
 * Creates an empty device-local {@link Vault}. Pass it to `redactText`,
 * `redactObject` or the redaction streams to make placeholders reversible.
 *
 * Exported from `@palisade/redaction`.
 *
 * @returns a new, empty vault.
 * @example Redact a prompt, then restore the answer on the device.
 * ```ts
 * const vault = createVault();
 * const { text } = redactText('key AKIAIOSFODNN7EXAMPLE', { vault });
 * const answer = `Rotate ${text.slice(4)} now`;
 * vault.restore(answer); // 'Rotate AKIAIOSFODNN7EXAMPLE now'
 * ```
 */
export function createVault(): Vault {
  const numbering = new PlaceholderNumbering();
  const byPlaceholder = new Map<string, string>();
  const vault: Vault = {
    get size(): number {
      return byPlaceholder.size;
    },
    placeholder(kind, ruleId, value) {
      const p = numbering.placeholder(kind, ruleId, value);
      byPlaceholder.set(p, value);
      return p;
    },
    restore(text) {
      if (typeof text !== 'string') throw new TypeError('vault.restore expects a string');
      if (byPlaceholder.size === 0) return text;
      return text.replace(PLACEHOLDER_RE, (p) => byPlaceholder.get(p) ?? p);
    },
    clear() {
      numbering.clear();
      byPlaceholder.clear();
    },
    toJSON() {
      return { size: byPlaceholder.size };
    },
  };
  Object.defineProperties(vault, {
    toString: { value: () => `[Vault size=${byPlaceholder.size}]`, enumerable: false },
    [inspectSymbol]: { value: () => `[Vault size=${byPlaceholder.size}]`, enumerable: false },
  });
  return Object.freeze(vault);
}

// A small static analyser for the regex subset used by rules. It rejects the
// shapes that make a backtracking engine super-linear:
//  - unbounded quantifiers (`*`, `+`, `{n,}`): every rule must be bounded;
//  - a quantified group whose body itself contains a variable quantifier
//    (nested quantifiers, the `(a+)+` family);
//  - a quantified alternation whose branches can start with the same char;
//  - two adjacent variable-length atoms over overlapping characters whose
//    combined split choices exceed a budget (the `\w{0,50}\w{0,50}x` family).

type CharSet = Uint8Array; // 129 slots: ASCII 0..127, slot 128 = anything else

interface Node {
  /** Characters this node can consume (over-approximation). */
  readonly chars: CharSet;
  /** Characters it can start with. */
  readonly first: CharSet;
  readonly min: number;
  readonly max: number; // Infinity when unbounded
  /** True when the node (or a descendant) repeats with a variable count. */
  readonly variable: boolean;
}

const empty = (): CharSet => new Uint8Array(129);
const full = (): CharSet => new Uint8Array(129).fill(1);
const union = (a: CharSet, b: CharSet): CharSet => {
  const r = empty();
  for (let i = 0; i < 129; i++) r[i] = (a[i] as number) | (b[i] as number);
  return r;
};
const overlaps = (a: CharSet, b: CharSet): boolean => {
  for (let i = 0; i < 129; i++) if (a[i] === 1 && b[i] === 1) return true;
  return false;
};
const addRange = (s: CharSet, lo: number, hi: number): void => {
  for (let c = lo; c <= hi && c < 128; c++) s[c] = 1;
  if (hi >= 128) s[128] = 1;
};
const classEscape = (ch: string): CharSet | null => {
  const s = empty();
  switch (ch) {
    case 'd':
      addRange(s, 48, 57);
      return s;
    case 'w':
      addRange(s, 48, 57);
      addRange(s, 65, 90);
      addRange(s, 97, 122);
      s[95] = 1;
      return s;
    case 's':
      for (const c of [9, 10, 11, 12, 13, 32]) s[c] = 1;
      s[128] = 1;
      return s;
    case 'D':
    case 'W':
    case 'S': {
      const inner = classEscape(ch.toLowerCase()) as CharSet;
      const r = full();
      for (let i = 0; i < 128; i++) if (inner[i] === 1) r[i] = 0;
      return r;
    }
    default:
      return null;
  }
};
const ESCAPES: Readonly<Record<string, number>> = { n: 10, r: 13, t: 9, f: 12, v: 11, '0': 0 };

/** Budget for adjacent ambiguous quantifiers (product of their ranges). */
const ADJACENT_BUDGET = 20_000;

/**
 * Returns the problems found in a regex source (empty when it is safe).
 *
 * @param source - a regex source (no delimiters, no flags)
 * @param options - `allowUnbounded` accepts `*`/`+`/`{n,}` (custom rules)
 */
export function analyzeRegex(
  source: string,
  options: { readonly allowUnbounded?: boolean } = {},
): string[] {
  const issues: string[] = [];
  let i = 0;
  const src = source;

  const parseAlternation = (): { node: Node; branches: Node[] } => {
    const branches: Node[] = [parseSequence()];
    while (src[i] === '|') {
      i++;
      branches.push(parseSequence());
    }
    let chars = empty();
    let first = empty();
    let min = Number.POSITIVE_INFINITY;
    let max = 0;
    let variable = false;
    for (const b of branches) {
      chars = union(chars, b.chars);
      first = union(first, b.first);
      min = Math.min(min, b.min);
      max = Math.max(max, b.max);
      variable ||= b.variable;
    }
    return { node: { chars, first, min, max, variable }, branches };
  };

  const parseSequence = (): Node => {
    const items: Node[] = [];
    while (i < src.length && src[i] !== '|' && src[i] !== ')') {
      const atom = parseQuantified();
      if (atom !== null) items.push(atom);
    }
    // Adjacent ambiguity check.
    for (let k = 0; k + 1 < items.length; k++) {
      const a = items[k] as Node;
      const b = items[k + 1] as Node;
      const ra = a.max - a.min;
      const rb = b.max - b.min;
      if (ra > 0 && rb > 0 && overlaps(a.chars, b.chars) && ra * rb > ADJACENT_BUDGET) {
        issues.push(`adjacent overlapping variable quantifiers near offset ${i}`);
      }
    }
    let chars = empty();
    let first = empty();
    let min = 0;
    let max = 0;
    let variable = false;
    let firstOpen = true;
    for (const it of items) {
      chars = union(chars, it.chars);
      if (firstOpen) first = union(first, it.first);
      if (it.min > 0) firstOpen = false;
      min += it.min;
      max += it.max;
      variable ||= it.variable;
    }
    return { chars, first, min, max, variable };
  };

  const parseQuantified = (): Node | null => {
    const parsed = parseAtom();
    if (parsed === null) return null;
    const { node: atom, alternatives } = parsed;
    const q = parseQuantifier();
    if (q === null) return atom;
    if (q.max === Number.POSITIVE_INFINITY && options.allowUnbounded !== true) {
      issues.push(`unbounded quantifier near offset ${i}`);
    }
    if (q.max > 1 && atom.variable) issues.push(`nested quantifier near offset ${i}`);
    if (q.max > 1 && alternatives.length > 1) {
      for (let x = 0; x < alternatives.length; x++) {
        for (let y = x + 1; y < alternatives.length; y++) {
          if (overlaps((alternatives[x] as Node).first, (alternatives[y] as Node).first)) {
            issues.push(`overlapping alternation under a quantifier near offset ${i}`);
          }
        }
      }
    }
    return {
      chars: atom.chars,
      first: atom.first,
      min: atom.min * q.min,
      max: atom.max * q.max,
      variable: q.min !== q.max || atom.variable,
    };
  };

  const parseQuantifier = (): { min: number; max: number } | null => {
    const c = src[i];
    let r: { min: number; max: number } | null = null;
    if (c === '*') r = { min: 0, max: Number.POSITIVE_INFINITY };
    else if (c === '+') r = { min: 1, max: Number.POSITIVE_INFINITY };
    else if (c === '?') r = { min: 0, max: 1 };
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(src.slice(i));
      if (m !== null) {
        const lo = Number(m[1]);
        const hi = m[2] === undefined ? lo : m[3] === '' ? Number.POSITIVE_INFINITY : Number(m[3]);
        i += m[0].length - 1;
        r = { min: lo, max: hi };
      }
    }
    if (r === null) return null;
    i++;
    if (src[i] === '?') i++; // lazy
    return r;
  };

  const single = (s: CharSet): Node => ({ chars: s, first: s, min: 1, max: 1, variable: false });

  const parseAtom = (): { node: Node; alternatives: Node[] } | null => {
    const c = src[i] as string;
    if (c === '(') {
      i++;
      let look = false;
      if (src.startsWith('?:', i)) i += 2;
      else if (src.startsWith('?=', i) || src.startsWith('?!', i)) {
        i += 2;
        look = true;
      } else if (src.startsWith('?<=', i) || src.startsWith('?<!', i)) {
        i += 3;
        look = true;
      } else if (src.startsWith('?<', i)) {
        const close = src.indexOf('>', i);
        i = close + 1;
      }
      const { node, branches } = parseAlternation();
      if (src[i] !== ')') issues.push('unbalanced parenthesis');
      i++;
      if (look)
        return {
          node: { chars: empty(), first: empty(), min: 0, max: 0, variable: false },
          alternatives: [],
        };
      return { node, alternatives: branches };
    }
    if (c === '[') return { node: single(parseClass()), alternatives: [] };
    if (c === '.') {
      i++;
      return { node: single(full()), alternatives: [] };
    }
    if (c === '^' || c === '$') {
      i++;
      return {
        node: { chars: empty(), first: empty(), min: 0, max: 0, variable: false },
        alternatives: [],
      };
    }
    if (c === '\\') {
      const e = src[i + 1] as string;
      i += 2;
      if (e === 'b' || e === 'B')
        return {
          node: { chars: empty(), first: empty(), min: 0, max: 0, variable: false },
          alternatives: [],
        };
      if (/[1-9]/.test(e))
        return {
          node: { chars: full(), first: full(), min: 0, max: 16000, variable: true },
          alternatives: [],
        };
      const s = classEscape(e) ?? charSet(ESCAPES[e] ?? e.charCodeAt(0));
      return { node: single(s), alternatives: [] };
    }
    i++;
    return { node: single(charSet(c.charCodeAt(0))), alternatives: [] };
  };

  const charSet = (code: number): CharSet => {
    const s = empty();
    addRange(s, code, code);
    return s;
  };

  const parseClass = (): CharSet => {
    i++; // [
    let negate = false;
    if (src[i] === '^') {
      negate = true;
      i++;
    }
    const s = empty();
    let firstChar = true;
    while (i < src.length && (src[i] !== ']' || firstChar)) {
      firstChar = false;
      let lo: number;
      if (src[i] === '\\') {
        const e = src[i + 1] as string;
        i += 2;
        const cls = classEscape(e);
        if (cls !== null) {
          for (let k = 0; k < 129; k++) if (cls[k] === 1) s[k] = 1;
          continue;
        }
        lo = ESCAPES[e] ?? e.charCodeAt(0);
      } else {
        lo = (src[i] as string).charCodeAt(0);
        i++;
      }
      if (src[i] === '-' && src[i + 1] !== ']' && i + 1 < src.length) {
        i++;
        let hi: number;
        if (src[i] === '\\') {
          const e = src[i + 1] as string;
          hi = ESCAPES[e] ?? e.charCodeAt(0);
          i += 2;
        } else {
          hi = (src[i] as string).charCodeAt(0);
          i++;
        }
        addRange(s, lo, hi);
      } else addRange(s, lo, lo);
    }
    i++; // ]
    if (!negate) return s;
    const r = full();
    for (let k = 0; k < 128; k++) if (s[k] === 1) r[k] = 0;
    return r;
  };

  parseAlternation();
  if (i < src.length) issues.push('unbalanced parenthesis');
  return [...new Set(issues)];
}

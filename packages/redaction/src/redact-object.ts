import { LazyFinding } from './fingerprint.ts';
import { type MaskPathsOptions, maskPaths } from './redact-path.ts';
import {
  CleanMemo,
  type RedactionRun,
  type RedactTextOptions,
  redactStringWithRun,
  runFactory,
} from './redact-text.ts';

/** Strings shorter than this are not scanned (no known secret format is shorter). */
const MIN_SCAN = 6;

/**
 * Key patterns whose values are censored by default (case-insensitive; `*`
 * matches any run of characters).
 *
 * Exported from `@palisade/redaction`.
 *
 * @example
 * ```ts
 * DEFAULT_SENSITIVE_KEYS.includes('authorization'); // true
 * ```
 */
export const DEFAULT_SENSITIVE_KEYS: readonly string[] = Object.freeze([
  '*secret*',
  '*token',
  '*token_*',
  '*password*',
  '*passwd*',
  '*passphrase*',
  'pwd',
  'pin',
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  '*api_key*',
  '*apikey*',
  '*api-key*',
  '*access_key*',
  '*accesskey*',
  '*private_key*',
  '*privatekey*',
  '*credential*',
  '*session_id*',
  '*sessionid*',
  'x-auth-*',
  'dsn',
  'connectionstring',
  'connection_string',
]);

/** Options for {@link redactObject}. */
export interface RedactObjectOptions extends RedactTextOptions {
  /**
   * Key patterns whose values are censored wherever they occur: glob strings
   * (`*` wildcard, case-insensitive) or regular expressions. Defaults to
   * {@link DEFAULT_SENSITIVE_KEYS}; pass `[]` to censor by key path only.
   * Under a wildcard pattern numbers and booleans are kept (so
   * `total_tokens: 812` survives); under an exact name every non-null value is
   * censored.
   */
  readonly keys?: ReadonlyArray<string | RegExp>;
  /**
   * pino-style paths whose values are censored: `req.headers.authorization`,
   * `a.*.b`, `a[*]`, `a["x-y"]`, `a[0]`.
   */
  readonly paths?: readonly string[];
  /** Also scan every string value with the scanner (default true). */
  readonly scanValues?: boolean;
  /** What a censored value becomes (default `'[REDACTED]'`). */
  readonly censor?: string;
  /** Deeper values are replaced by `'[Truncated]'` (default 200). */
  readonly maxDepth?: number;
  /** Also mask home directories and user names in strings (see `maskPaths`); off by default. */
  readonly maskPaths?: MaskPathsOptions | boolean;
}

interface PathNode {
  readonly id: number;
  readonly children: Map<string, PathNode>;
  wildcard: PathNode | undefined;
  terminal: boolean;
}

/**
 * Where a walk stands in the path trie: the trie nodes that continue below
 * the current value, and whether a path ends exactly here. States are shared
 * (one per distinct node set) and remember their transitions, so stepping
 * through a key already seen is one map lookup and allocates nothing.
 */
interface PathState {
  readonly nodes: readonly PathNode[];
  /** A path ends at this value: it is censored. */
  readonly hit: boolean;
  /** Some path continues below this value. */
  readonly live: boolean;
  readonly next: Map<string, PathState>;
  readonly states: Map<string, PathState>;
}

/** Transitions remembered per state (keys under a wildcard are unbounded). */
const MAX_TRANSITIONS = 512;

function pathState(
  states: Map<string, PathState>,
  nodes: readonly PathNode[],
  hit: boolean,
): PathState {
  const id = `${hit ? 1 : 0}:${nodes.map((n) => n.id).join(',')}`;
  let st = states.get(id);
  if (st === undefined) {
    st = { nodes, hit, live: nodes.length > 0, next: new Map(), states };
    states.set(id, st);
  }
  return st;
}

const NO_PATH: PathState = {
  nodes: [],
  hit: false,
  live: false,
  next: new Map(),
  states: new Map(),
};

/** Splits a pino-style path into segments (`*` is the wildcard). @internal */
export function parseKeyPath(path: string): string[] {
  if (typeof path !== 'string' || path.length === 0) {
    throw new TypeError('redaction paths must be non-empty strings');
  }
  const out: string[] = [];
  let i = 0;
  let cur = '';
  let pending = false;
  while (i < path.length) {
    const c = path[i] as string;
    if (c === '.') {
      if (pending || cur.length > 0) out.push(cur);
      else if (out.length === 0 || i === path.length - 1) throw new TypeError('bad redaction path');
      cur = '';
      pending = false;
      i++;
    } else if (c === '[') {
      if (pending || cur.length > 0) out.push(cur);
      cur = '';
      pending = false;
      const close = path.indexOf(']', i);
      if (close === -1) throw new TypeError('bad redaction path: missing ]');
      let inner = path.slice(i + 1, close).trim();
      if (
        inner.length >= 2 &&
        (inner[0] === '"' || inner[0] === "'") &&
        inner[inner.length - 1] === inner[0]
      ) {
        inner = inner.slice(1, -1);
      } else if (inner !== '*' && !/^\d+$/.test(inner)) {
        throw new TypeError('bad redaction path: brackets take *, an index or a quoted key');
      }
      out.push(inner);
      i = close + 1;
      if (path[i] === '.') i++;
      else if (i < path.length && path[i] !== '[') throw new TypeError('bad redaction path');
    } else {
      cur += c;
      pending = true;
      i++;
    }
  }
  if (pending) out.push(cur);
  if (out.length === 0) throw new TypeError('bad redaction path');
  return out;
}

function compilePaths(paths: readonly string[]): PathState {
  if (paths.length === 0) return NO_PATH;
  let ids = 0;
  const newNode = (): PathNode => ({
    id: ids++,
    children: new Map(),
    wildcard: undefined,
    terminal: false,
  });
  const root = newNode();
  for (const p of paths) {
    let node = root;
    for (const seg of parseKeyPath(p)) {
      if (seg === '*') {
        node.wildcard ??= newNode();
        node = node.wildcard;
      } else {
        let next = node.children.get(seg);
        if (next === undefined) {
          next = newNode();
          node.children.set(seg, next);
        }
        node = next;
      }
    }
    node.terminal = true;
  }
  return pathState(new Map(), [root], false);
}

type KeyVerdict = 0 | 1 | 2; // 0 keep, 1 censor (wildcard pattern), 2 censor (exact name)

function compileKeys(keys: ReadonlyArray<string | RegExp>): (key: string) => KeyVerdict {
  if (keys.length === 0) return () => 0;
  const exact = new Set<string>();
  const wild: RegExp[] = [];
  for (const k of keys) {
    if (k instanceof RegExp) {
      wild.push(new RegExp(k.source, k.flags.replace(/[gy]/g, '')));
    } else if (typeof k === 'string' && k.length > 0) {
      if (k.includes('*')) {
        const src = k
          .toLowerCase()
          .split('*')
          .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('.*');
        wild.push(new RegExp(`^${src}$`));
      } else {
        exact.add(k.toLowerCase());
      }
    } else {
      throw new TypeError('key patterns must be non-empty strings or RegExps');
    }
  }
  const cache = new Map<string, KeyVerdict>();
  return (key) => {
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    const lower = key.toLowerCase();
    let v: KeyVerdict = 0;
    if (exact.has(lower)) v = 2;
    else {
      for (const re of wild) {
        if (re.test(lower)) {
          v = 1;
          break;
        }
      }
    }
    if (cache.size > 10_000) cache.clear();
    cache.set(key, v);
    return v;
  };
}

interface Walk {
  readonly keyVerdict: (key: string) => KeyVerdict;
  /** No key patterns: outside every path, keys need no check at all. */
  readonly noKeys: boolean;
  /** Neither scanning nor path masking: strings are copied as they are. */
  readonly plainStrings: boolean;
  readonly scan: boolean;
  readonly censor: string;
  readonly maxDepth: number;
  readonly mask: MaskPathsOptions | undefined;
  readonly seen: Map<object, unknown>;
  readonly newRun: () => RedactionRun;
  /** Present when the scanner is the built-in one (deterministic). */
  readonly clean: CleanMemo | undefined;
  run: RedactionRun | undefined;
  /** Strings of at least {@link MIN_SCAN} characters scanned so far. */
  scans: number;
  /**
   * The scanned strings whose copies can be replaced in place, as flat
   * `container, key, original` triples (`tracked` of them).
   */
  readonly slots: unknown[];
  tracked: number;
  /** Every string value censored by key or path so far. */
  censored: Set<string> | undefined;
  /**
   * Censored values first met after some strings were already scanned, as
   * flat `value, tracked-at-that-point` pairs: the strings before that point
   * are checked for them once the walk is done.
   */
  late: Array<string | number> | undefined;
  /** A censored value was met after a string whose copy cannot be replaced in place. */
  redo: boolean;
}

/** Advances a path state by one key (remembered per state). */
function step(from: PathState, key: string): PathState {
  const known = from.next.get(key);
  if (known !== undefined) return known;
  const nodes: PathNode[] = [];
  let hit = false;
  const add = (n: PathNode): void => {
    if (n.terminal) hit = true;
    if ((n.children.size > 0 || n.wildcard !== undefined) && !nodes.includes(n)) nodes.push(n);
  };
  for (const n of from.nodes) {
    const c = n.children.get(key);
    if (c !== undefined) add(c);
    if (n.wildcard !== undefined) add(n.wildcard);
  }
  const to = nodes.length === 0 && !hit ? NO_PATH : pathState(from.states, nodes, hit);
  if (from.next.size < MAX_TRANSITIONS) from.next.set(key, to);
  return to;
}

function censorable(value: unknown, verdict: KeyVerdict): boolean {
  if (value === null || value === undefined || typeof value === 'boolean') return false;
  if (verdict === 1 && typeof value === 'number') return false;
  return true;
}

function scanString(w: Walk, s: string): string {
  if (w.plainStrings) return s;
  let out = s;
  if (w.scan && s.length >= MIN_SCAN) {
    w.scans++;
    w.run ??= w.newRun();
    out = redactStringWithRun(w.run, s, w.clean);
  }
  return w.mask === undefined ? out : maskPaths(out, w.mask);
}

const TEXT_DECODER = new TextDecoder('utf-8', { fatal: true });

function scanBytes(w: Walk, bytes: Uint8Array): Uint8Array | undefined {
  if (!w.scan || bytes.length < MIN_SCAN) return undefined;
  let text: string;
  try {
    text = TEXT_DECODER.decode(bytes);
  } catch {
    return undefined; // not UTF-8 text: copied as-is
  }
  const r = scanString(w, text);
  return r === text ? undefined : new TextEncoder().encode(r);
}

/**
 * Records that the copy of the scanned string `original` is stored at
 * `container[key]` (a Map entry for a Map), so that it can be redacted again
 * if a value censored later in the walk occurs in it.
 */
function track(w: Walk, container: object, key: string | number, original: string): void {
  if (!w.scan || original.length < MIN_SCAN) return;
  w.slots.push(container, key, original);
  w.tracked++;
}

/**
 * A string censored by key or path: from now on the run replaces it wherever
 * else it appears (a password under `password` that a log message repeats).
 * Strings scanned before this point are checked once the walk is done.
 */
function noteCensored(w: Walk, value: string): void {
  if (!w.scan || value.length < MIN_SCAN) return;
  w.censored ??= new Set();
  if (w.censored.has(value)) return;
  w.censored.add(value);
  w.run ??= w.newRun();
  // Already known when the scanner flagged it in an earlier string; strings
  // before that one may still hold it, so the checks below apply either way.
  if (!w.run.known.has(value)) w.run.known.set(value, censoredValue(value));
  if (w.scans === 0) return;
  if (w.tracked !== w.scans) w.redo = true;
  else if (w.late === undefined) w.late = [value, w.tracked];
  else w.late.push(value, w.tracked);
}

/** The copy of `value` found at `key` of `container` (the copy being built). */
function childKey(
  w: Walk,
  container: object,
  key: string,
  value: unknown,
  nodes: PathState,
  depth: number,
): unknown {
  const verdict: KeyVerdict = w.noKeys ? 0 : w.keyVerdict(key);
  let next = NO_PATH;
  let hit = false;
  if (nodes.live) {
    next = step(nodes, key);
    hit = next.hit && censorable(value, 2);
  }
  if (hit || (verdict !== 0 && censorable(value, verdict))) {
    if (typeof value === 'string') noteCensored(w, value);
    return w.censor;
  }
  if (typeof value === 'string') {
    const r = scanString(w, value);
    track(w, container, key, value);
    return r;
  }
  return visit(w, value, next, depth + 1);
}

function copyError(w: Walk, err: Error, nodes: PathState, depth: number): Error {
  const out = Object.create(Object.getPrototypeOf(err) as object | null) as Error;
  w.seen.set(err, out);
  const define = (key: string, value: unknown): void => {
    Object.defineProperty(out, key, {
      value,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  };
  // message and stack are read through property access: depending on the
  // engine version, `stack` is an own data property, an own accessor or an
  // inherited one, and the copy must carry it as a plain string either way.
  for (const key of ['message', 'stack'] as const) {
    let v: unknown;
    try {
      v = err[key];
    } catch {
      v = undefined;
    }
    if (typeof v === 'string') {
      define(key, scanString(w, v));
      track(w, out, key, v);
    }
  }
  const own = Object.getOwnPropertyDescriptors(err);
  for (const [key, d] of Object.entries(own)) {
    if (key === 'message' || key === 'stack') continue;
    if (!('value' in d)) continue; // other accessors are not invoked
    if (key === 'cause' || key === 'errors' || d.enumerable !== true) {
      define(key, visit(w, d.value, NO_PATH, depth + 1));
    } else {
      Object.defineProperty(out, key, {
        value: childKey(w, out, key, d.value, nodes, depth),
        writable: true,
        configurable: true,
        enumerable: true,
      });
    }
  }
  return out;
}

/**
 * `out[key] = v`, except that an own `__proto__` key (as `JSON.parse` makes
 * it) stays an own property instead of replacing the copy's prototype.
 */
function setOwn(out: Record<string, unknown>, key: string, v: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(out, key, {
      value: v,
      writable: true,
      enumerable: true,
      configurable: true,
    });
  } else out[key] = v;
}

/**
 * Copies the own enumerable string-keyed properties of `value` into `out`,
 * redacted. The hot loop of object redaction: where no path continues below
 * and no key pattern is set, keys are not looked at and primitives are
 * copied without a call.
 */
function copyProps(
  w: Walk,
  value: Record<string, unknown>,
  out: Record<string, unknown>,
  nodes: PathState,
  depth: number,
): void {
  const keys = Object.keys(value);
  const free = !nodes.live && w.noKeys;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const v = value[key];
    let r: unknown;
    if (!free) r = childKey(w, out, key, v, nodes, depth);
    else if (typeof v === 'object' && v !== null) r = visit(w, v, NO_PATH, depth + 1);
    else if (typeof v === 'string') {
      r = scanString(w, v);
      track(w, out, key, v);
    } else r = v;
    if (key === '__proto__') setOwn(out, key, r);
    else out[key] = r;
  }
}

function visit(w: Walk, value: unknown, nodes: PathState, depth: number): unknown {
  if (typeof value === 'string') return scanString(w, value);
  if (typeof value !== 'object' || value === null) return value;
  const done = w.seen.get(value);
  if (done !== undefined) return done;
  if (depth > w.maxDepth) return '[Truncated]';
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    w.seen.set(value, out);
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (nodes.live) out[i] = childKey(w, out, String(i), v, nodes, depth);
      else if (typeof v === 'string') {
        out[i] = scanString(w, v);
        track(w, out, i, v);
      } else out[i] = visit(w, v, NO_PATH, depth + 1);
    }
    return out;
  }
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, unknown> = proto === null ? Object.create(null) : {};
    w.seen.set(value, out);
    copyProps(w, value as Record<string, unknown>, out, nodes, depth);
    return out;
  }
  if (value instanceof Error) return copyError(w, value, nodes, depth);
  if (value instanceof Map) {
    const out = new Map<unknown, unknown>();
    w.seen.set(value, out);
    for (const [k, v] of value) {
      out.set(
        k,
        typeof k === 'string'
          ? childKey(w, out, k, v, nodes, depth)
          : visit(w, v, NO_PATH, depth + 1),
      );
    }
    return out;
  }
  if (value instanceof Set) {
    const out = new Set<unknown>();
    w.seen.set(value, out);
    for (const v of value) out.add(visit(w, v, NO_PATH, depth + 1));
    return out;
  }
  if (ArrayBuffer.isView(value)) {
    let out: unknown;
    if (value instanceof Uint8Array) {
      const redacted = scanBytes(w, value);
      const bytes = redacted ?? value;
      out = Buffer.isBuffer(value) ? Buffer.from(bytes) : new Uint8Array(bytes);
    } else if (value instanceof DataView) {
      out = new DataView(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
    } else {
      const ctor = value.constructor as new (src: ArrayBufferView) => ArrayBufferView;
      out = new ctor(value);
    }
    w.seen.set(value, out);
    return out;
  }
  if (value instanceof ArrayBuffer) {
    const out = value.slice(0);
    w.seen.set(value, out);
    return out;
  }
  if (value instanceof Date) return new Date(value.getTime());
  if (value instanceof RegExp) return new RegExp(value.source, value.flags);
  if (value instanceof Promise || value instanceof WeakMap || value instanceof WeakSet)
    return value;
  // A class instance: same prototype, own enumerable data redacted.
  const out = Object.create(proto) as Record<string, unknown>;
  w.seen.set(value, out);
  copyProps(w, value as Record<string, unknown>, out, nodes, depth);
  return out;
}

/** A prepared object redactor (compile once, apply to many objects). */
export type ObjectRedactor = <T>(value: T) => T;

/**
 * Compiles key patterns and paths once and returns a function that redacts
 * objects with them (the fast path for loggers).
 *
 * Exported from `@palisade/redaction`.
 *
 * @param options - see {@link RedactObjectOptions}.
 * @returns a function with the semantics of {@link redactObject}.
 * @throws TypeError on a malformed path or key pattern.
 * @example Redact many log records with one compiled redactor.
 * ```ts
 * const redact = createObjectRedactor({ paths: ['req.headers.authorization'], scanValues: false });
 * redact({ req: { headers: { authorization: 'Bearer abc' } } });
 * ```
 */
export function createObjectRedactor(options?: RedactObjectOptions): ObjectRedactor {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError('redactObject options must be an object');
  }
  const keyList = options?.keys ?? DEFAULT_SENSITIVE_KEYS;
  const keyVerdict = compileKeys(keyList);
  const rootNodes = compilePaths(options?.paths ?? []);
  const maxDepth = options?.maxDepth ?? 200;
  if (!Number.isInteger(maxDepth) || maxDepth < 1)
    throw new RangeError('maxDepth must be a positive integer');
  const censor = options?.censor ?? '[REDACTED]';
  if (typeof censor !== 'string') throw new TypeError('censor must be a string');
  const scan = options?.scanValues ?? true;
  const m = options?.maskPaths;
  const mask = m === true ? {} : m === false || m === undefined ? undefined : m;
  const newRun = runFactory(options);
  // Only the built-in scanner is known to be deterministic; a caller's may not be.
  const clean = scan && options?.scanner === undefined ? new CleanMemo() : undefined;
  const shared: WalkOptions = {
    keyVerdict,
    noKeys: keyList.length === 0,
    scan,
    censor,
    maxDepth,
    mask,
    newRun,
    clean,
  };
  // A fresh run per call: placeholder numbers (and the values behind them)
  // are never kept between calls unless the caller passes a vault.
  return <T>(value: T): T => {
    const w = newWalk(shared, undefined);
    const out = visit(w, value, rootNodes, 0) as T;
    if (w.redo && w.censored !== undefined) {
      // A censored value may hide in a string copied where it cannot be
      // replaced in place (a Set member, bytes): walk again with every
      // censored value known from the start.
      const again = newWalk(shared, w.censored);
      return visit(again, value, rootNodes, 0) as T;
    }
    if (w.late !== undefined) redactLate(w);
    return out;
  };
}

interface WalkOptions {
  readonly keyVerdict: (key: string) => KeyVerdict;
  readonly noKeys: boolean;
  readonly scan: boolean;
  readonly censor: string;
  readonly maxDepth: number;
  readonly mask: MaskPathsOptions | undefined;
  readonly newRun: () => RedactionRun;
  readonly clean: CleanMemo | undefined;
}

function newWalk(o: WalkOptions, censored: ReadonlySet<string> | undefined): Walk {
  let run: RedactionRun | undefined;
  if (censored !== undefined) {
    run = o.newRun();
    for (const v of censored) if (!run.known.has(v)) run.known.set(v, censoredValue(v));
  }
  return {
    keyVerdict: o.keyVerdict,
    noKeys: o.noKeys,
    plainStrings: !o.scan && o.mask === undefined,
    scan: o.scan,
    censor: o.censor,
    maxDepth: o.maxDepth,
    mask: o.mask,
    seen: new Map(),
    newRun: o.newRun,
    clean: o.clean,
    run,
    scans: 0,
    slots: [],
    tracked: 0,
    censored: undefined,
    late: undefined,
    redo: false,
  };
}

/**
 * Redacts again, from their originals, the strings scanned before a value
 * censored later in the walk was known, where they contain it.
 */
function redactLate(w: Walk): void {
  const late = w.late as Array<string | number>;
  const slots = w.slots;
  let upTo = 0;
  for (let j = 1; j < late.length; j += 2) upTo = Math.max(upTo, late[j] as number);
  for (let n = 0; n < upTo; n++) {
    const original = slots[n * 3 + 2] as string;
    for (let j = 0; j < late.length; j += 2) {
      if (n >= (late[j + 1] as number) || !original.includes(late[j] as string)) continue;
      const container = slots[n * 3] as object;
      const key = slots[n * 3 + 1] as string | number;
      const r = scanString(w, original);
      if (container instanceof Map) container.set(key, r);
      else if (key === '__proto__') setOwn(container as Record<string, unknown>, key, r);
      else (container as Record<string | number, unknown>)[key] = r;
      break;
    }
  }
}

/**
 * A value censored under a sensitive key, as a finding for propagation. Its
 * fingerprint (a hash) is computed only if the value recurs elsewhere.
 */
const censoredValue = (value: string): LazyFinding =>
  new LazyFinding('sensitive-key', 'secret', -1, -1, 'high', value);

/**
 * Returns a redacted deep copy of any value, never changing the input:
 * values under sensitive keys (`*secret*`, `authorization`, ...) or pino-style
 * paths become the censor string, and (unless `scanValues: false`) every string
 * is scanned and its secrets replaced by typed placeholders. Cycles, Maps,
 * Sets, typed arrays, Buffers, Dates, class instances (same prototype) and
 * Errors (message, stack, `cause`, `errors`) keep their shape.
 *
 * Exported from `@palisade/redaction`.
 *
 * @param value - anything.
 * @param options - see {@link RedactObjectOptions}.
 * @returns a redacted copy with the same shape.
 * @throws TypeError on a malformed path or key pattern.
 * @example Redact a request log.
 * ```ts
 * redactObject({ headers: { authorization: 'Bearer x' }, msg: 'key AKIAIOSFODNN7EXAMPLE' });
 * // { headers: { authorization: '[REDACTED]' }, msg: 'key <secret:aws-access-key-id#1>' }
 * ```
 */
export function redactObject<T>(value: T, options?: RedactObjectOptions): T {
  return createObjectRedactor(options)(value);
}

// Browser entry of webcrypto-browser.test.ts: bundled with esbuild for the
// browser platform and loaded into headless Chromium. It runs the WebCrypto
// and @noble backends on inputs the Node test process sends (hex strings) and
// returns their bytes (hex) for comparison with node:crypto. Not a test file.
import type { webcrypto } from 'node:crypto';
import type { Backend } from '../../src/internal/backend.ts';
import { createNobleBackend } from '../../src/internal/backend-noble.ts';
import { createNodeBackend } from '../../src/internal/backend-node.ts';
import { createWebCryptoBackend } from '../../src/internal/backend-webcrypto.ts';
import { backend } from '../../src/internal/backends.ts';
import { fromHex, toHex } from '../../src/internal/bytes.ts';
import { createSealingMaterial } from '../../src/internal/key-material.ts';
import { openWith, sealWith } from '../../src/internal/sealed-format.ts';
import { encodeSealContext, type SealContext } from '../../src/seal-context.ts';

/** One set of inputs, all byte strings as lowercase hex. */
export interface PrimitiveCase {
  readonly key: string;
  readonly iv: string;
  readonly aad: string;
  readonly data: string;
  readonly salt: string;
  readonly info: string;
  readonly length: number;
  readonly seed: string;
}

/** What one backend computed in the browser for a {@link PrimitiveCase}. */
export interface PrimitiveResult {
  readonly sha256: string;
  readonly hmacSha256: string;
  readonly hkdfSha256: string;
  readonly aesGcm: string;
  /** aesGcmOpen of the test process's (node:crypto's) ciphertext. */
  readonly aesGcmOpenNode: string | null;
  /** aesGcmOpen of that ciphertext with its last byte flipped. */
  readonly aesGcmOpenTampered: string | null;
  readonly ed25519PublicKey: string;
  readonly ed25519Signature: string;
  /** ed25519Verify of the test process's (node:crypto's) signature. */
  readonly ed25519VerifyNode: boolean;
}

/** Inputs of the sealed-format round trip. */
export interface SealCase {
  readonly secret: string;
  readonly data: string;
  readonly context: SealContext;
  /** Context of the failing open (differs from `context`). */
  readonly otherContext: SealContext;
  /** A random-nonce sealed value made by the test process (node:crypto backend). */
  readonly sealedByNode: string;
}

/** What one backend did in the browser with a {@link SealCase}. */
export interface SealResult {
  readonly sealedRandom: string;
  readonly sealedDeterministic: string;
  readonly openOwnRandom: string | null;
  readonly openNode: string | null;
  readonly openNodeOtherContext: string | null;
}

/** Native WebCrypto Ed25519 in the page, or `unsupported`. */
export type NativeEd25519Result =
  | { readonly supported: true; readonly publicKey: string; readonly signature: string }
  | { readonly supported: false; readonly error: string };

/** The page's API, installed as `globalThis.palisadeBrowser`. */
export interface BrowserApi {
  /** Backend names this page can build, and the one `backend()` selects. */
  environment(): {
    readonly available: string[];
    readonly selected: string;
    readonly secure: boolean;
  };
  primitives(
    name: 'webcrypto' | 'noble',
    cases: PrimitiveCase[],
    nodeSealed: string[],
    nodeSignatures: string[],
  ): Promise<PrimitiveResult[]>;
  seal(name: 'webcrypto' | 'noble', cases: SealCase[]): Promise<SealResult[]>;
  nativeEd25519(seed: string, data: string): Promise<NativeEd25519Result>;
  /** AES-192-GCM on one backend: the sealed bytes, or the error's name when it rejects. */
  aes192Gcm(
    name: 'webcrypto' | 'noble',
    c: PrimitiveCase,
  ): Promise<{ readonly sealed: string } | { readonly error: string }>;
}

const hexOrNull = (b: Uint8Array | undefined): string | null => (b === undefined ? null : toHex(b));

function pick(name: 'webcrypto' | 'noble'): Backend {
  const b = name === 'webcrypto' ? createWebCryptoBackend() : createNobleBackend();
  if (b === undefined) throw new Error(`backend ${name} is not available in this page`);
  return b;
}

// PKCS #8 prefix of a raw Ed25519 private key (RFC 8410).
const PKCS8_ED25519 = '302e020100300506032b657004220420';

const api: BrowserApi = {
  environment() {
    const available = [createNodeBackend(), createWebCryptoBackend(), createNobleBackend()]
      .filter((b): b is Backend => b !== undefined)
      .map((b) => b.name);
    const secure = (globalThis as { isSecureContext?: boolean }).isSecureContext === true;
    return { available, selected: backend().name, secure };
  },

  async primitives(name, cases, nodeSealed, nodeSignatures) {
    const b = pick(name);
    const out: PrimitiveResult[] = [];
    for (const [i, c] of cases.entries()) {
      const key = fromHex(c.key);
      const iv = fromHex(c.iv);
      const aad = fromHex(c.aad);
      const data = fromHex(c.data);
      const seed = fromHex(c.seed);
      const sealedByNode = fromHex(nodeSealed[i] ?? '');
      const tampered = sealedByNode.slice();
      tampered[tampered.length - 1] = (tampered[tampered.length - 1] ?? 0) ^ 1;
      const publicKey = b.ed25519PublicKey(seed);
      out.push({
        sha256: toHex(b.sha256(data)),
        hmacSha256: toHex(b.hmacSha256(key, data)),
        hkdfSha256: toHex(b.hkdfSha256(data, fromHex(c.salt), fromHex(c.info), c.length)),
        aesGcm: toHex(await b.aesGcmSeal(key, iv, aad, data)),
        aesGcmOpenNode: hexOrNull(await b.aesGcmOpen(key, iv, aad, sealedByNode)),
        aesGcmOpenTampered: hexOrNull(await b.aesGcmOpen(key, iv, aad, tampered)),
        ed25519PublicKey: toHex(publicKey),
        ed25519Signature: toHex(b.ed25519Sign(seed, data)),
        ed25519VerifyNode: b.ed25519Verify(publicKey, data, fromHex(nodeSignatures[i] ?? '')),
      });
    }
    return out;
  },

  async seal(name, cases) {
    const b = pick(name);
    const out: SealResult[] = [];
    for (const c of cases) {
      const m = createSealingMaterial(b, fromHex(c.secret), undefined, undefined);
      const data = fromHex(c.data);
      const ctx = encodeSealContext(c.context);
      const sealedRandom = await sealWith(b, m, data, ctx, 'random');
      const sealedDeterministic = await sealWith(b, m, data, ctx, 'deterministic');
      const byNode = fromHex(c.sealedByNode);
      out.push({
        sealedRandom: toHex(sealedRandom),
        sealedDeterministic: toHex(sealedDeterministic),
        openOwnRandom: hexOrNull(await openWith(b, m, sealedRandom, ctx)),
        openNode: hexOrNull(await openWith(b, m, byNode, ctx)),
        openNodeOtherContext: hexOrNull(
          await openWith(b, m, byNode, encodeSealContext(c.otherContext)),
        ),
      });
    }
    return out;
  },

  async nativeEd25519(seed, data) {
    const subtle = (globalThis as { crypto?: { subtle?: webcrypto.SubtleCrypto } }).crypto?.subtle;
    if (subtle === undefined) return { supported: false, error: 'no crypto.subtle' };
    try {
      const pkcs8 = fromHex(PKCS8_ED25519 + seed);
      const priv = await subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, true, ['sign']);
      const jwk = await subtle.exportKey('jwk', priv);
      const pub = await subtle.importKey(
        'jwk',
        { kty: 'OKP', crv: 'Ed25519', x: jwk.x ?? '' },
        { name: 'Ed25519' },
        true,
        ['verify'],
      );
      const publicKey = new Uint8Array(await subtle.exportKey('raw', pub));
      const signature = new Uint8Array(await subtle.sign({ name: 'Ed25519' }, priv, fromHex(data)));
      return { supported: true, publicKey: toHex(publicKey), signature: toHex(signature) };
    } catch (e) {
      return {
        supported: false,
        error: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
      };
    }
  },

  async aes192Gcm(name, c) {
    const b = pick(name);
    try {
      const key = fromHex(c.key);
      if (key.length !== 24) throw new RangeError('expected a 24-byte key');
      return {
        sealed: toHex(await b.aesGcmSeal(key, fromHex(c.iv), fromHex(c.aad), fromHex(c.data))),
      };
    } catch (e) {
      return { error: e instanceof Error ? e.name : 'unknown' };
    }
  },
};

(globalThis as { palisadeBrowser?: BrowserApi }).palisadeBrowser = api;

// Backend selection. Internal: never re-exported.
import type { Backend, BackendName } from './backend.ts';
import { createNobleBackend } from './backend-noble.ts';
import { createNodeBackend } from './backend-node.ts';
import { createWebCryptoBackend } from './backend-webcrypto.ts';

let selected: Backend | undefined;

/**
 * The backend for this runtime: node:crypto on Node, WebCrypto where it
 * exists, @noble as the portable last resort.
 */
export function backend(): Backend {
  selected ??= createNodeBackend() ?? createWebCryptoBackend() ?? createNobleBackend();
  return selected;
}

/** Every backend this runtime can build (for differential tests and benches). */
export function availableBackends(): Backend[] {
  const all: Array<Backend | undefined> = [
    createNodeBackend(),
    createWebCryptoBackend(),
    createNobleBackend(),
  ];
  return all.filter((b): b is Backend => b !== undefined);
}

/** One backend by name, or undefined when this runtime cannot build it. */
export function backendByName(name: BackendName): Backend | undefined {
  return availableBackends().find((b) => b.name === name);
}

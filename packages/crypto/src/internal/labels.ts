// Versioned domain-separation labels. Every HKDF call in the package uses one
// of these as the first length-prefixed part of its info, so no two
// derivations can ever share an input. Changing a label is a format break.
// Internal: never re-exported.
import { lengthPrefixed } from './encoding.ts';

export const DOMAIN = 'palisade/crypto/v1';

/** HKDF-Extract salt for master keys. */
export const MASTER_EXTRACT_SALT: Uint8Array = new TextEncoder().encode(`${DOMAIN}/hkdf-extract`);

export const LABEL: Readonly<
  Record<
    | 'masterKeyId'
    | 'workspaceKey'
    | 'keyWrap'
    | 'sealSubkeys'
    | 'sealDeterministic'
    | 'sealContext'
    | 'externalKey',
    string
  >
> = Object.freeze({
  masterKeyId: 'master-key-id/v1',
  workspaceKey: 'workspace-key/v1',
  keyWrap: 'key-wrap/v1',
  sealSubkeys: 'seal-subkeys/v1',
  sealDeterministic: 'seal-deterministic/v1',
  sealContext: 'seal-context/v1',
  externalKey: 'external-key/v1',
});

/** The HKDF info for `label` followed by `parts`, length-prefixed. */
export function info(label: string, ...parts: ReadonlyArray<string | Uint8Array>): Uint8Array {
  return lengthPrefixed([DOMAIN, label, ...parts]);
}

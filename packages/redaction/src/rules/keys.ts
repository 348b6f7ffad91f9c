import type { RuleDefinition } from './types.ts';
import { prefixed, windowed } from './types.ts';
import { validBech32Upper, validJwt } from './validators.ts';

// Private keys are matched from the BEGIN line to the END line inclusive, with
// a lazy bounded body (the window caps the work per keyword hit).
const pem = (id: string, description: string, label: string): RuleDefinition =>
  windowed(
    'keys',
    id,
    description,
    [`-----begin ${label.toLowerCase()}-----`],
    `-----BEGIN ${label}-----[\\s\\S]{16,16000}?-----END ${label}-----`,
    0,
    16100,
    { allowRepeats: true },
  );

/** Private-key, signed-token and key-file rules. */
export const keyRules: readonly RuleDefinition[] = [
  pem('private-key-rsa', 'PEM RSA private key (PKCS#1)', 'RSA PRIVATE KEY'),
  pem('private-key-ec', 'PEM EC private key (SEC 1)', 'EC PRIVATE KEY'),
  pem('private-key-dsa', 'PEM DSA private key', 'DSA PRIVATE KEY'),
  pem('private-key-pkcs8', 'PEM PKCS#8 private key', 'PRIVATE KEY'),
  pem('private-key-pkcs8-encrypted', 'PEM encrypted PKCS#8 private key', 'ENCRYPTED PRIVATE KEY'),
  pem('private-key-openssh', 'OpenSSH private key', 'OPENSSH PRIVATE KEY'),
  pem('private-key-pgp', 'PGP / GPG private key block', 'PGP PRIVATE KEY BLOCK'),
  windowed(
    'keys',
    'private-key-ssh2-encrypted',
    'SSH.com / SSH2 encrypted private key',
    ['---- begin ssh2 encrypted private key ----'],
    '---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----[\\s\\S]{16,16000}?---- END SSH2 ENCRYPTED PRIVATE KEY ----',
    0,
    16100,
    { allowRepeats: true },
  ),
  windowed(
    'keys',
    'private-key-putty',
    'PuTTY private key file',
    ['putty-user-key-file-'],
    'PuTTY-User-Key-File-[23]: [a-z0-9-]{7,32}\\r?\\n[\\s\\S]{20,12000}?Private-MAC: [a-f0-9]{40,64}',
    0,
    12200,
    { allowRepeats: true },
  ),
  windowed(
    'keys',
    'jwt',
    'JSON Web Token (structurally validated header with alg)',
    ['eyj'],
    '(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,2000}\\.eyJ[A-Za-z0-9_-]{2,8000}\\.[A-Za-z0-9_-]{0,2000}(?![A-Za-z0-9_-])',
    0,
    12100,
    { validate: validJwt, confidence: 'high' },
  ),
  windowed(
    'keys',
    'jwe',
    'JSON Web Encryption compact token',
    ['eyj'],
    '(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,2000}\\.[A-Za-z0-9_-]{0,2000}\\.[A-Za-z0-9_-]{16,64}\\.[A-Za-z0-9_-]{8,8000}\\.[A-Za-z0-9_-]{16,64}(?![A-Za-z0-9_.-])',
    0,
    12200,
    { validate: validJwt, confidence: 'high' },
  ),
  prefixed(
    'keys',
    'age-secret-key',
    'age X25519 secret key (Bech32-checked)',
    'AGE-SECRET-KEY-1',
    '[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}',
    58,
    { validate: validBech32Upper },
  ),
  windowed(
    'keys',
    'wireguard-private-key',
    'WireGuard interface private key',
    ['privatekey'],
    'PrivateKey\\s{0,4}=\\s{0,4}(?<s>[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=)(?![A-Za-z0-9+/=])',
    0,
    70,
    { minEntropy: 3.5 },
  ),
];

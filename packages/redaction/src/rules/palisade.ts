import type { RuleDefinition } from './types.ts';
import { windowed } from './types.ts';
import { validPalisadeChecksum } from './validators.ts';

/** Palisade's own tokens: `<pal...>_<43 base62><6 base62 CRC-32>`. */
export const palisadeRules: readonly RuleDefinition[] = [
  windowed(
    'palisade',
    'palisade-token',
    'Palisade token (prefix pal*, 43 base62 body, CRC-32 check)',
    ['pal'],
    '(?<![A-Za-z0-9_])pal[a-z0-9]{0,12}_[A-Za-z0-9]{49}(?![A-Za-z0-9_])',
    0,
    70,
    { validate: validPalisadeChecksum },
  ),
];

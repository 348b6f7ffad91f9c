import { aiRules } from './ai.ts';
import { chatRules } from './chat.ts';
import { cliRules } from './cli.ts';
import { cloudRules } from './cloud.ts';
import { devtoolRules } from './devtools.ts';
import { keyRules } from './keys.ts';
import { packageRules } from './packages.ts';
import { palisadeRules } from './palisade.ts';
import { paymentRules } from './payment.ts';
import { saasRules } from './saas.ts';
import type { RuleDefinition } from './types.ts';
import { uriRules } from './uri.ts';
import { vcsRules } from './vcs.ts';

/**
 * Every built-in keyword rule, most specific families first (on a tie between
 * two findings on the same span, the earlier rule wins).
 */
export const builtinRules: readonly RuleDefinition[] = [
  ...palisadeRules,
  ...vcsRules,
  ...cloudRules,
  ...aiRules,
  ...paymentRules,
  ...chatRules,
  ...saasRules,
  ...devtoolRules,
  ...packageRules,
  ...keyRules,
  ...uriRules,
  ...cliRules,
];

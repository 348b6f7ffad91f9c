import type { Policy } from '../policy.ts';
import type { TextScanner } from '../redact-text.ts';
import { defaultScanner } from './default-scanner.ts';

/** The scanner a policy asks for (custom rules, disabled rules). @internal */
export function scannerForPolicy(policy: Policy): TextScanner {
  const base = defaultScanner();
  const disabled = new Set(policy.detectors.disabledRules);
  if (disabled.size === 0) return base;
  return { scan: (text) => base.scan(text).filter((f) => !disabled.has(f.ruleId)) };
}

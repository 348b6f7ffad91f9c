import type { Policy } from '../policy.ts';
import type { TextScanner } from '../redact-text.ts';
import type { Detector } from '../scanner.ts';
import { createScanner } from '../scanner.ts';
import { defaultScanner } from './default-scanner.ts';

const cache = new WeakMap<Policy, TextScanner>();

/**
 * The scanner a policy asks for: its detectors, custom rules, disabled rules
 * and allow-list. Cached per (frozen) policy object. @internal
 */
export function scannerForPolicy(policy: Policy): TextScanner {
  const hit = cache.get(policy);
  if (hit !== undefined) return hit;
  const detectors: Detector[] = [];
  if (policy.detectors.secrets) detectors.push('secret');
  if (policy.detectors.pii) detectors.push('pii');
  const plain =
    detectors.length === 2 &&
    policy.customRules.length === 0 &&
    policy.detectors.disabledRules.length === 0 &&
    policy.allowList.values.length === 0 &&
    policy.allowList.fingerprints.length === 0;
  const scanner = plain
    ? defaultScanner()
    : createScanner({
        detectors,
        rules: policy.customRules,
        disabledRules: policy.detectors.disabledRules,
        allow: { values: policy.allowList.values, fingerprints: policy.allowList.fingerprints },
      });
  if (Object.isFrozen(policy)) cache.set(policy, scanner);
  return scanner;
}

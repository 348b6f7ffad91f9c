import type { DemoStep } from './step.ts';

/**
 * The demo's steps in the order a newcomer should see them. One line per
 * step; each package adds its own file under `src/demo/`.
 */
export const demoSteps: ReadonlyArray<() => Promise<DemoStep>> = [
  async () => (await import('./containment-step.ts')).containmentStep,
  async () => (await import('./redaction-step.ts')).redactionStep,
  async () => (await import('./audit-step.ts')).auditStep,
  async () => (await import('./crypto-step.ts')).cryptoStep,
  async () => (await import('./backup-step.ts')).backupStep,
  async () => (await import('./tenancy-step.ts')).tenancyStep,
];

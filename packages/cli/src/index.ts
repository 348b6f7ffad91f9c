export { type Command, type GlobalFlags, UsageError } from './command.ts';
export type { DemoContext, DemoOutcome, DemoStep } from './demo/step.ts';
export { type CliIO, EXIT, type TextSink } from './io.ts';
export { main } from './main.ts';

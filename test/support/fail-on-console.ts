// Library code must never print: any console call during a test fails it.
// Tests that exercise the CLI capture its output through injected streams,
// never through the global console.
import { afterEach } from 'vitest';

const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace', 'dir', 'table'] as const;
const calls: string[] = [];

for (const method of methods) {
  console[method] = (...args: unknown[]): void => {
    calls.push(`console.${method}(${args.map((a) => String(a)).join(' ')})`.slice(0, 500));
  };
}

afterEach(() => {
  if (calls.length > 0) {
    const seen = calls.splice(0, calls.length);
    throw new Error(
      `Test printed to the console (library code must not print):\n${seen.join('\n')}`,
    );
  }
});

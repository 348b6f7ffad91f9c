// Types of what the root global setup (test/support/global-setup.ts) provides,
// declared here because this package's tsconfig does not include the root tests.
declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
    pgAdminUrl: string;
  }
}

export {};

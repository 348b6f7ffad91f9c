import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/pg.ts'],
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  clean: true,
  dts: { compilerOptions: { ignoreDeprecations: '6.0', customConditions: [] } },
});

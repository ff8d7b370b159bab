import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {"index":"src/index.ts"},
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  // Shared chunks for CJS too: without them each entry (index, testing) would carry its own copy of core's
  // classes and registries, and `instanceof VoxframeError` would fail across entries.
  splitting: true,
  target: 'node20',
  // The VAD resolves its model file next to the module: `import.meta.url` in ESM, shimmed in the CJS build.
  shims: true,
  tsconfig: 'tsconfig.build.json',
});

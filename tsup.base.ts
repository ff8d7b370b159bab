/**
 * The build every package shares: ESM + CJS + `.d.ts`, one entry per `exports` subpath.
 */
import type { Options } from 'tsup';

/** tsup options for a voxframe package whose entries are `{ name: sourcePath }`. */
export function packageBuild(entry: Record<string, string>, overrides: Options = {}): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    // Shared chunks for CJS too: without them each entry (index, testing) would carry its own copy of core's
    // classes and registries, and `instanceof VoxframeError` would fail across entries.
    splitting: true,
    target: 'node20',
    tsconfig: 'tsconfig.build.json',
    ...overrides,
  };
}

import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

export default defineConfig(packageBuild({ index: 'src/index.ts' }, {
  // The VAD resolves its model file next to the module: `import.meta.url` in ESM, shimmed in the CJS build.
  shims: true,
}));

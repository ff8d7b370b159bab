import { cpSync, mkdirSync } from 'node:fs';
import { defineConfig } from 'tsup';
import { packageBuild } from '../../tsup.base';

export default defineConfig(
  packageBuild(
    { index: 'src/index.ts' },
    {
      // The browser client is a plain, dependency-free ES module served to pages as it is.
      onSuccess: async () => {
        mkdirSync('dist/browser', { recursive: true });
        cpSync('src/browser/client.js', 'dist/browser/client.js');
      },
    },
  ),
);

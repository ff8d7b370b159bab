/**
 * One jest run over every package. Tests import packages by their public names
 * (`@voxframe/core`, `@voxframe/core/testing`, ...), mapped here to the sources so the
 * tests need no build; `pnpm typecheck` checks the types, `pnpm build` the bundles.
 * @swc/jest strips types without the TypeScript compiler API (see DEVELOPERS.md).
 */
/** @type {import('jest').Config} */
module.exports = {
  // Node's environment, with Node's own typed-array constructors so onnxruntime-node's output passes its
  // `instanceof Float32Array` checks (see the file).
  testEnvironment: '<rootDir>/jest/native-typed-arrays-environment.cjs',
  roots: ['<rootDir>/packages'],
  testMatch: ['**/test/**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  moduleNameMapper: {
    '^@voxframe/([a-z0-9-]+)/testing$': '<rootDir>/packages/$1/src/testing/index.ts',
    '^@voxframe/([a-z0-9-]+)$': '<rootDir>/packages/$1/src/index.ts',
  },
  testTimeout: 20000,
  maxWorkers: 2,
  // No handle stays open after our test files (probed), but on a loaded machine a worker can take longer than jest's
  // default 500 ms to exit, which jest reports as "failed to exit gracefully". A real leak still shows after 5 s.
  workerGracefulExitTimeout: 5000,
};

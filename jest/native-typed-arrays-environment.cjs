/**
 * A jest environment for tests that run onnxruntime-node.
 *
 * Jest runs each test file in its own V8 context, with its own Float32Array, BigInt64Array, ... constructors. The
 * onnxruntime native binding creates its output arrays in Node's main context, and onnxruntime-common checks tensor
 * data with `instanceof Float32Array`: across the two contexts that check fails ("A float32 tensor's data must be type
 * of function Float32Array()"). Outside jest there is one context and no problem. This environment hands the test
 * context Node's own typed-array constructors, so both sides agree.
 *
 * It is the environment of every test (jest.config.cjs), so any test may run the Silero VAD.
 */
const { dirname } = require('node:path');

// jest-environment-node is jest's own dependency (not ours): resolve it from jest's install, as jest itself does.
const environmentPath = require.resolve('jest-environment-node', { paths: [dirname(require.resolve('jest/package.json'))] });
const { TestEnvironment } = require(environmentPath);

const SHARED = [
  'ArrayBuffer',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

class NativeTypedArraysEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) this.global[name] = globalThis[name];
  }
}

module.exports = NativeTypedArraysEnvironment;

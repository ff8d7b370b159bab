/**
 * JSON Schemas of the client messages, generated at test time from the official `@google/genai` package's live
 * types (`LiveClientMessage` in `dist/genai.d.ts`) with ts-json-schema-generator, cached in the OS temp directory
 * under a key made of both package versions and a hash of the type file, so the schemas follow the installed SDK.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Ajv from 'ajv';
import { createGenerator } from 'ts-json-schema-generator';

type JsonSchema = Record<string, unknown>;

/** The installed SDK's type file and the versions that key the cache. */
export function genaiTypeSource(): { path: string; version: string; generatorVersion: string; hash: string } {
  const root = join(dirname(require.resolve('@google/genai')), '..');
  const packageRoot = existsSync(join(root, 'package.json')) ? root : join(root, '..');
  const path = join(packageRoot, 'dist', 'genai.d.ts');
  const version = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const generatorRoot = dirname(require.resolve('ts-json-schema-generator/package.json'));
  const generatorVersion = (JSON.parse(readFileSync(join(generatorRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const hash = createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16);
  return { path, version, generatorVersion, hash };
}

/** The schema of `LiveClientMessage`, from the cache or freshly generated. */
export function liveClientMessageSchema(): JsonSchema {
  const source = genaiTypeSource();
  const dir = join(tmpdir(), 'voxframe-genai-schemas');
  const file = join(dir, `LiveClientMessage-genai${source.version}-tsjsg${source.generatorVersion}-${source.hash}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as JsonSchema;
  const generator = createGenerator({ path: source.path, type: 'LiveClientMessage', skipTypeCheck: true, expose: 'export', topRef: true, additionalProperties: false });
  const schema = generator.createSchema('LiveClientMessage') as unknown as JsonSchema;
  mkdirSync(dir, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(schema));
  renameSync(temporary, file); // atomic: parallel jest workers never read half a file
  return schema;
}

/**
 * Validates client messages strictly (unknown fields are errors) against the SDK's `LiveClientMessage`, plus the
 * wire rule the SDK type cannot say: exactly one top-level key.
 */
export function createClientMessageValidator(): (message: unknown) => string[] {
  const ajv = new Ajv({ strict: false, allErrors: true });
  const validate = ajv.compile(liveClientMessageSchema());
  return (message) => {
    const issues: string[] = [];
    if (message === null || typeof message !== 'object' || Object.keys(message).length !== 1) issues.push('a client message must have exactly one top-level key');
    if (!validate(message)) for (const e of validate.errors ?? []) issues.push(`${e.instancePath || '/'} ${e.message ?? e.keyword}${e.keyword === 'additionalProperties' ? ` '${String(e.params.additionalProperty)}'` : ''}`);
    return issues;
  };
}

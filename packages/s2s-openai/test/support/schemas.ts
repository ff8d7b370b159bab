/**
 * JSON Schemas of the wire protocol, generated at test time from the official `openai` package's GA realtime types
 * (`RealtimeClientEvent`, `RealtimeServerEvent` in `resources/realtime/realtime.d.ts`) with ts-json-schema-generator,
 * cached in the OS temp directory under a key made of both package versions and a hash of the type file, so the
 * schemas follow the installed SDK and can never silently rot.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { createGenerator } from 'ts-json-schema-generator';
import type { ClientEventIssue } from '@voxframe/s2s-openai/testing';

type JsonSchema = { definitions: Record<string, { properties?: { type?: { const?: string } } }>; $ref?: string; anyOf?: unknown[] };

/** The `realtime.d.ts` of the installed `openai` package, and the versions that key the cache. */
export function openaiTypeSource(): { path: string; openaiVersion: string; generatorVersion: string; hash: string } {
  const root = dirname(require.resolve('openai'));
  const path = join(root, 'resources/realtime/realtime.d.ts');
  const openaiVersion = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const generatorRoot = dirname(require.resolve('ts-json-schema-generator/package.json'));
  const generatorVersion = (JSON.parse(readFileSync(join(generatorRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const hash = createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 16);
  return { path, openaiVersion, generatorVersion, hash };
}

/** Generates (no cache) the schema of one exported type of the SDK's realtime types. */
export function generateSchema(typeName: 'RealtimeClientEvent' | 'RealtimeServerEvent'): JsonSchema {
  const source = openaiTypeSource();
  const generator = createGenerator({ path: source.path, type: typeName, skipTypeCheck: true, expose: 'export', topRef: true, additionalProperties: false });
  return generator.createSchema(typeName) as unknown as JsonSchema;
}

/** The schema of one type, from the cache or freshly generated. */
export function cachedSchema(typeName: 'RealtimeClientEvent' | 'RealtimeServerEvent'): JsonSchema {
  const source = openaiTypeSource();
  const dir = join(tmpdir(), 'voxframe-openai-schemas');
  const file = join(dir, `${typeName}-openai${source.openaiVersion}-tsjsg${source.generatorVersion}-${source.hash}.json`);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as JsonSchema;
  const schema = generateSchema(typeName);
  mkdirSync(dir, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(schema));
  renameSync(temporary, file); // atomic: parallel jest workers never read half a file
  return schema;
}

/** Compiles one validator per event `type` (the union's members, keyed by their `type` const). */
function validatorsByType(schema: JsonSchema, rootName: string): Map<string, ValidateFunction> {
  const ajv = new Ajv({ strict: true, allErrors: true });
  // One schema document, compiled once; each event type is a reference into it.
  ajv.addSchema({ $id: 'realtime', definitions: schema.definitions });
  const union = schema.definitions[rootName] as unknown as { anyOf: { $ref: string }[] };
  const validators = new Map<string, ValidateFunction>();
  for (const member of union.anyOf) {
    const name = decodeURIComponent(member.$ref.replace('#/definitions/', ''));
    const eventType = schema.definitions[name]?.properties?.type?.const;
    if (eventType === undefined) continue;
    const validate = ajv.getSchema(`realtime${member.$ref}`);
    if (validate === undefined) throw new Error(`schema has no ${member.$ref}`);
    validators.set(eventType, validate);
  }
  return validators;
}

const PRECEDENCE = ['additionalProperties', 'required', 'type', 'const', 'enum'];

/** The most telling ajv error as a service-style issue (unknown_parameter, missing_required_parameter, ...). */
function toIssue(errors: readonly ErrorObject[]): ClientEventIssue {
  // Union branches that fail only on their `type` discriminator say nothing about the event.
  const relevant = errors.filter((e) => e.keyword !== 'anyOf' && !(e.keyword === 'const' && /\/type$/.test(e.instancePath)));
  const pool = relevant.length > 0 ? relevant : [...errors];
  pool.sort((a, b) => rank(a) - rank(b));
  const first = pool[0];
  const path = first.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const join = (field: string): string => (path === '' ? field : `${path}.${field}`);
  const summary = pool.map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}${e.keyword === 'additionalProperties' ? ` '${String(e.params.additionalProperty)}'` : ''}`).join('; ');
  switch (first.keyword) {
    case 'additionalProperties':
      return { code: 'unknown_parameter', param: join(String(first.params.additionalProperty)), message: `Unknown parameter (schema): ${summary}` };
    case 'required':
      return { code: 'missing_required_parameter', param: join(String(first.params.missingProperty)), message: `Missing parameter (schema): ${summary}` };
    case 'type':
      return { code: 'invalid_type', param: path, message: `Invalid type (schema): ${summary}` };
    default:
      return { code: 'invalid_value', param: path, message: `Invalid value (schema): ${summary}` };
  }
}

function rank(error: ErrorObject): number {
  const at = PRECEDENCE.indexOf(error.keyword);
  return at < 0 ? PRECEDENCE.length : at;
}

/** Validates client events strictly against the SDK's `RealtimeClientEvent` (unknown fields are errors). */
export function createClientEventValidator(): (event: unknown) => ClientEventIssue[] {
  const validators = validatorsByType(cachedSchema('RealtimeClientEvent'), 'RealtimeClientEvent');
  return (event) => {
    const type = (event as { type?: unknown } | null)?.type;
    const validate = typeof type === 'string' ? validators.get(type) : undefined;
    if (validate === undefined) return [{ code: 'invalid_value', param: 'type', message: `Not a GA client event type: ${String(type)}` }];
    return validate(event) ? [] : [toIssue(validate.errors ?? [])];
  };
}

/**
 * Validates server events against the SDK's `RealtimeServerEvent`. The service sends nulls and a few session fields
 * the SDK types leave out (protocol note §1.3: `object`, `id`, `expires_at` on sessions); those are removed before
 * validating, everything else must match strictly.
 */
export function createServerEventValidator(): (event: Record<string, unknown>) => string[] {
  const validators = validatorsByType(cachedSchema('RealtimeServerEvent'), 'RealtimeServerEvent');
  return (event) => {
    const validate = validators.get(String(event.type));
    if (validate === undefined) return [`unknown server event type ${String(event.type)}`];
    const cleaned = withoutNulls(event) as Record<string, unknown>;
    const session = cleaned.session as Record<string, unknown> | undefined;
    if (session) for (const extra of ['object', 'id', 'expires_at']) delete session[extra];
    return validate(cleaned) ? [] : (validate.errors ?? []).map((e) => `${String(event.type)} ${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  };
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (item !== null) out[key] = withoutNulls(item);
  return out;
}

/**
 * Fuzz helpers shared by the `fuzz-*` tests: fast-check arbitraries for garbage text and for mutations of valid
 * JSON messages (a field dropped, retyped, replaced; the text truncated or a byte flipped), and a guard that
 * fails the test when an unhandled rejection or uncaught exception escapes while it runs.
 */
import fc from 'fast-check';

/** A JSON value of any shape (objects, arrays, strings, numbers, null), small. */
export const anyJson = fc.jsonValue({ maxDepth: 3 });

/** Values a field may be replaced with: wrong types, huge or negative numbers, odd strings. */
export const oddValue = fc.oneof(
  anyJson,
  fc.constantFrom(null, -1, 0, 1.5, Number.MAX_SAFE_INTEGER, 1e308, '', ' ', '-1', '1e9', 'NaN', '__proto__', 'constructor', 'x'.repeat(5000), '====', '!!!!'),
  fc.string({ maxLength: 40 }),
);

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** Paths to every field of a JSON value (objects and arrays, depth-first). */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((k) => [[...prefix, k], ...paths((value as Record<string | number, Json>)[k], [...prefix, k])]);
}

function applyAt(root: Json, path: (string | number)[], change: (parent: Record<string | number, Json>, key: string | number) => void): Json {
  const copy = JSON.parse(JSON.stringify(root)) as Json;
  let parent = copy as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, Json>;
  change(parent, path[path.length - 1]);
  return copy;
}

/** One structural mutation of a valid message: drop, replace or add a field. */
function mutateOnce(valid: Json): fc.Arbitrary<Json> {
  const all = paths(valid);
  if (all.length === 0) return oddValue as fc.Arbitrary<Json>;
  return fc.oneof(
    fc.constantFrom(...all).map((p) => applyAt(valid, p, (parent, key) => (Array.isArray(parent) ? parent.splice(Number(key), 1) : delete parent[key]))),
    fc.tuple(fc.constantFrom(...all), oddValue).map(([p, v]) => applyAt(valid, p, (parent, key) => (parent[key] = v as Json))),
    fc.tuple(fc.string({ maxLength: 12 }), oddValue).map(([k, v]) => ({ ...(valid as Record<string, Json>), [k]: v as Json })),
  );
}

/** A valid message mutated 1-3 times, serialised; sometimes then truncated or with one character replaced. */
export function mutatedText(valid: readonly Json[]): fc.Arbitrary<string> {
  const structural = fc
    .constantFrom(...valid)
    .chain((v) => mutateOnce(v).chain((m) => fc.oneof(fc.constant(m), mutateOnce(m), mutateOnce(m).chain(mutateOnce))));
  return fc.oneof(
    { weight: 3, arbitrary: structural.map((m) => JSON.stringify(m)) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom(...valid), fc.nat(), fc.nat(), fc.string({ minLength: 1, maxLength: 1 })).map(([v, a, b, c]) => {
        const text = JSON.stringify(v);
        return a % 2 === 0 ? text.slice(0, b % text.length) : `${text.slice(0, b % text.length)}${c}${text.slice((b % text.length) + 1)}`;
      }),
    },
  );
}

/** Random text: unicode, JSON of any shape, or near-JSON. */
export const garbageText = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  anyJson.map((v) => JSON.stringify(v)),
  fc.constantFrom('', '{', '[]', 'null', '{"event":null}', '{"type":null}', '{"event":{}}', '{"type":[]}', '"str"', '1e999'),
);

/** Records unhandled rejections and uncaught exceptions between `install()` and `uninstall()`. */
export class EscapeGuard {
  readonly escaped: unknown[] = [];
  readonly #onRejection = (reason: unknown): void => {
    this.escaped.push(reason);
  };
  readonly #onException = (error: unknown): void => {
    this.escaped.push(error);
  };

  install(): void {
    process.on('unhandledRejection', this.#onRejection);
    process.on('uncaughtException', this.#onException);
  }

  uninstall(): void {
    process.off('unhandledRejection', this.#onRejection);
    process.off('uncaughtException', this.#onException);
  }
}

/** Bounded run counts: each fuzz file takes a few seconds. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 300);

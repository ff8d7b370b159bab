/**
 * Fuzzing the Gemini Live session's handling of server messages, over a real socket to the emulator on
 * 127.0.0.1: JSON of any shape and mutations of valid server messages (fields dropped, retyped, replaced at any
 * depth) are injected into a live session. Nothing may escape as an uncaught exception or unhandled rejection;
 * every frame that is not a JSON object, or whose read fields have shapes the client cannot read, gives a typed `error`
 * event (`invalid_server_message`, recoverable); the session is never closed by them and still handles a valid
 * message sent after them; what reaches the application keeps its types.
 */
import fc from 'fast-check';
import { S2SError } from '@voxframe/core';
import type { GeminiLiveSession } from '@voxframe/s2s-gemini';
import type { GeminiLiveEmulator } from '@voxframe/s2s-gemini/testing';
import { parseServerMessage } from '../src/protocol';
import { EventLog, engineFor, startEmulator, until } from './support/harness';

const RUNS = Number(process.env.FUZZ_LIVE_RUNS ?? 25);

const anyJson = fc.jsonValue({ maxDepth: 3 });
const odd = fc.oneof(anyJson, fc.constantFrom(null, -1, 1.5, 1e308, '', '%%%', 'x'.repeat(3000), [], {}, [null]), fc.string({ maxLength: 20 }));

// Realistic server messages. `goAway` is left out (it rotates the connection on purpose; tested elsewhere).
const valid: Record<string, unknown>[] = [
  { serverContent: { modelTurn: { role: 'model', parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data: 'AAAAAAAA' } }] } } },
  { serverContent: { modelTurn: { role: 'model', parts: [{ text: 'Hello' }] } } },
  { serverContent: { outputTranscription: { text: 'Hello' } } },
  { serverContent: { inputTranscription: { text: 'hi', finished: true } } },
  { serverContent: { interrupted: true } },
  { serverContent: { generationComplete: true, turnComplete: true } },
  { toolCall: { functionCalls: [{ id: 'fc_1', name: 'lookup', args: { q: 1 } }] } },
  { toolCallCancellation: { ids: ['fc_1'] } },
  { usageMetadata: { promptTokenCount: 4, responseTokenCount: 6, totalTokenCount: 10, responseTokensDetails: [{ modality: 'AUDIO', tokenCount: 5 }] } },
  { sessionResumptionUpdate: { newHandle: 'h-1', resumable: true } },
  { voiceActivity: { voiceActivityType: 'ACTIVITY_START' } },
];

function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((k) => [[...prefix, k], ...paths((value as Record<string | number, unknown>)[k], [...prefix, k])]);
}

const mutated = fc.constantFrom(...valid).chain((message) =>
  fc.tuple(fc.constantFrom(...paths(message)), odd, fc.boolean()).map(([path, value, remove]) => {
    const copy = JSON.parse(JSON.stringify(message)) as Record<string | number, unknown>;
    let parent = copy;
    for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
    const key = path[path.length - 1];
    if (remove) delete parent[key];
    else parent[key] = value;
    return copy as unknown;
  }),
);

const message = fc.oneof({ weight: 5, arbitrary: mutated }, { weight: 1, arbitrary: anyJson as fc.Arbitrary<unknown> });

// Failing cases found by this fuzz, kept as regressions: `parts: 5` threw a TypeError out of the socket's message
// handler (seed -1890537252); a number `text` reached the application as a transcript.
const regressions: unknown[][] = [
  [{ serverContent: { modelTurn: { role: 'model', parts: 5 } } }],
  [{ serverContent: { inputTranscription: { text: 7 } } }],
  [{ serverContent: { modelTurn: { parts: [{ inlineData: { data: 12 } }] } } }],
];

describe('gemini_live session under fuzzed server messages', () => {
  let emulator: GeminiLiveEmulator;
  let session: GeminiLiveSession | undefined;
  const escaped: unknown[] = [];
  const onEscape = (reason: unknown): void => void escaped.push(reason);

  beforeAll(() => {
    process.on('unhandledRejection', onEscape);
    process.on('uncaughtException', onEscape);
  });

  afterAll(() => {
    process.off('unhandledRejection', onEscape);
    process.off('uncaughtException', onEscape);
  });

  beforeEach(async () => {
    emulator = await startEmulator({ transcribe: () => 'hello' });
  });

  afterEach(async () => {
    await session?.close();
    session = undefined;
    await emulator.close();
  });

  it('no escape, typed errors, never closed, and a valid message after the garbage still handled', async () => {
    session = await engineFor(emulator).start();
    const log = new EventLog(session);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 1, maxLength: 6 }), async (messages) => {
        const from = log.events.length;
        const connection = emulator.connection;
        for (const m of messages) connection.send(m as Record<string, unknown>);
        const notObjects = messages.filter((m) => parseServerMessage(JSON.stringify(m)) === undefined).length;
        n += 1;
        connection.send({ serverContent: { inputTranscription: { text: `marker ${n}` } } });
        await until(() => log.events.slice(from).some((e) => e.type === 'transcript' && e.text === `marker ${n}`), 3000, `marker ${n}`);
        const errors = log.ofType('error').filter((e) => log.events.indexOf(e) >= from);
        expect(errors.length).toBeGreaterThanOrEqual(notObjects);
        for (const e of errors) {
          expect(e.error).toBeInstanceOf(S2SError);
          expect(typeof e.error.code).toBe('string');
        }
        for (const e of log.events.slice(from)) {
          if (e.type === 'transcript' || e.type === 'text') expect(typeof e.text).toBe('string');
          if (e.type === 'audio') expect(e.samples).toBeInstanceOf(Int16Array);
        }
        expect(log.ofType('closed')).toEqual([]);
        expect(escaped).toEqual([]);
      }),
      { numRuns: RUNS, endOnFailure: true, examples: regressions.map((r) => [r]) },
    );
  }, 60_000);
});

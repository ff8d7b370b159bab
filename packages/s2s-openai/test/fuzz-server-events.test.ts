/**
 * Fuzzing the OpenAI Realtime session's handling of server events, over a real socket to the emulator on
 * 127.0.0.1: random text, JSON of any shape and mutations of valid server events (fields dropped, retyped,
 * replaced; text truncated or a character flipped) are injected into a live session. Nothing may escape as an
 * uncaught exception or unhandled rejection; every frame that is not a JSON event with a string `type` gives a
 * typed `error` event (`invalid_server_message`, recoverable); the session is never closed by them and still
 * still handles a valid event sent after them; what reaches the application keeps its types.
 */
import fc from 'fast-check';
import { S2SError } from '@voxframe/core';
import type { RealtimeEmulator } from '@voxframe/s2s-openai/testing';
import { parseServerEvent } from '../src/protocol';
import { engineFor, startEmulator, startSession, until } from './support/harness';

const RUNS = Number(process.env.FUZZ_LIVE_RUNS ?? 25);

const anyJson = fc.jsonValue({ maxDepth: 3 });
const odd = fc.oneof(anyJson, fc.constantFrom(null, -1, 1.5, 1e308, '', '%%%', 'x'.repeat(3000), [], {}), fc.string({ maxLength: 20 }));

// Realistic server events (protocol note §8); `error` events are left out: their dispositions (some fatal, which
// closes the session on purpose) have their own tests.
const valid: Record<string, unknown>[] = [
  { type: 'session.updated', event_id: 'e1', session: { id: 'sess_1', model: 'gpt-realtime' } },
  { type: 'input_audio_buffer.speech_started', event_id: 'e2', audio_start_ms: 100, item_id: 'item_u1' },
  { type: 'input_audio_buffer.speech_stopped', event_id: 'e3', audio_end_ms: 900, item_id: 'item_u1' },
  { type: 'input_audio_buffer.committed', event_id: 'e4', item_id: 'item_u1', previous_item_id: null },
  { type: 'conversation.item.input_audio_transcription.completed', event_id: 'e5', item_id: 'item_u1', content_index: 0, transcript: 'hi' },
  { type: 'conversation.item.input_audio_transcription.delta', event_id: 'e5b', item_id: 'item_u1', content_index: 0, delta: 'h' },
  { type: 'response.created', event_id: 'e6', response: { id: 'resp_f', object: 'realtime.response', status: 'in_progress', output: [] } },
  { type: 'response.output_item.added', event_id: 'e7', response_id: 'resp_f', output_index: 0, item: { id: 'item_a1', type: 'message', role: 'assistant', content: [] } },
  { type: 'response.output_audio.delta', event_id: 'e8', response_id: 'resp_f', item_id: 'item_a1', output_index: 0, content_index: 0, delta: 'AAAAAA==' },
  { type: 'response.output_audio_transcript.delta', event_id: 'e9', response_id: 'resp_f', item_id: 'item_a1', output_index: 0, content_index: 0, delta: 'Hel' },
  { type: 'response.output_text.delta', event_id: 'e9b', response_id: 'resp_f', item_id: 'item_a1', output_index: 0, content_index: 0, delta: 'Hel' },
  { type: 'response.function_call_arguments.done', event_id: 'e10', response_id: 'resp_f', item_id: 'item_fc', output_index: 0, call_id: 'call_1', name: 'lookup', arguments: '{"q":1}' },
  {
    type: 'response.done', event_id: 'e11',
    response: { id: 'resp_f', status: 'completed', output: [{ id: 'item_a1', type: 'message', role: 'assistant', content: [{ type: 'output_audio', transcript: 'Hello' }] }], usage: { total_tokens: 10, input_tokens: 4, output_tokens: 6, input_token_details: { audio_tokens: 2, text_tokens: 2, cached_tokens: 0 }, output_token_details: { audio_tokens: 5, text_tokens: 1 } } },
  },
  { type: 'rate_limits.updated', event_id: 'e12', rate_limits: [{ name: 'tokens', limit: 1000, remaining: 10, reset_seconds: 1.5 }] },
  { type: 'conversation.item.truncated', event_id: 'e13', item_id: 'item_a1', content_index: 0, audio_end_ms: 100 },
];

type Json = unknown;

function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((k) => [[...prefix, k], ...paths((value as Record<string | number, Json>)[k], [...prefix, k])]);
}

/** A valid event with one field (at any depth) deleted or replaced by an odd value; `type` is kept or garbled. */
const mutatedEvent = fc.constantFrom(...valid).chain((event) => {
  const all = paths(event).filter((p) => !(p.length === 1 && p[0] === 'type'));
  return fc.tuple(fc.constantFrom(...all), odd, fc.boolean()).map(([path, value, remove]) => {
    const copy = JSON.parse(JSON.stringify(event)) as Record<string | number, Json>;
    let parent = copy;
    for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, Json>;
    const key = path[path.length - 1];
    if (remove) delete parent[key];
    else parent[key] = value;
    return JSON.stringify(copy);
  });
});

// Failing cases found by this fuzz, kept as regressions: `rate_limits.updated` with a null entry threw a TypeError
// out of the socket's message handler (seed -890234071, FUZZ_LIVE_RUNS=150).
const regressions = [
  '{"type":"rate_limits.updated","event_id":"e12","rate_limits":[null]}',
  '{"type":"rate_limits.updated","event_id":"e12","rate_limits":5}',
  // A number `delta` reached the application as a transcript's text (seed 1479180580).
  '{"type":"response.output_audio_transcript.delta","event_id":"e9","response_id":"resp_f","item_id":"item_a1","output_index":0,"content_index":0,"delta":-1}',
];

const frame = fc.oneof(
  { weight: 4, arbitrary: mutatedEvent },
  { weight: 1, arbitrary: fc.string({ maxLength: 100 }) },
  { weight: 1, arbitrary: anyJson.map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.constantFrom('', '{', '[]', 'null', '{"type":5}', '{"type":null}', '{"no_type":1}') },
);

/** Not a JSON object with a string `type` (or a top-level field of the wrong type): must give `invalid_server_message`. */
const unreadable = (text: string): boolean => parseServerEvent(text) === undefined;

describe('openai_realtime session under fuzzed server events', () => {
  let emulator: RealtimeEmulator;
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
    emulator = await startEmulator();
  });

  afterEach(async () => {
    await emulator.close();
  });

  it('no escape, a typed error per unreadable frame, never closed, and valid events after the garbage still handled', async () => {
    const { session, log } = await startSession(engineFor(emulator));
    let n = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 6 }), async (frames) => {
          const errorsBefore = log.ofType('error').length;
          const from = log.events.length;
          for (const text of frames) emulator.session.sendRaw(text);
          const expected = frames.filter(unreadable).length;
          await until(() => log.ofType('error').length - errorsBefore >= expected, 3000, `${expected} error events`);
          // A valid event after the garbage is still handled: the session keeps running.
          n += 1;
          emulator.session.send({ type: 'conversation.item.input_audio_transcription.completed', event_id: `ev_m${n}`, item_id: `item_m${n}`, content_index: 0, transcript: `marker ${n}` });
          await log.waitFor('transcript', (e) => e.text === `marker ${n}`, { from, timeoutMs: 3000 });
          // What reaches the application keeps its types whatever the service sent.
          for (const e of log.events.slice(from)) {
            if (e.type === 'transcript') expect(typeof e.text).toBe('string');
            if (e.type === 'audio') expect(e.samples).toBeInstanceOf(Int16Array);
          }
          for (const e of log.ofType('error').slice(errorsBefore)) {
            expect(e.error).toBeInstanceOf(S2SError);
            expect(typeof e.error.code).toBe('string');
          }
          expect(log.ofType('closed')).toEqual([]);
          expect(escaped).toEqual([]);
        }),
        { numRuns: RUNS, endOnFailure: true, examples: regressions.map((text) => [[text]]) },
      );
    } finally {
      await session.close();
    }
  }, 60_000);
});

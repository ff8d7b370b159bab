/**
 * The provider's small parts on their own: settings and their errors, the typed `extra` of `createS2S('nova')`,
 * the input queue's lanes (control ahead of audio, the end after it, a bounded ring, audio handed over to the next
 * stream), the conversation mirror and its replay, heard text, the barge-in signal, and exception mapping.
 */
import { S2SConfigError, createS2S } from '@voxframe/core';
import { NovaSonicError, heardText, novaSonicDefaults, resolveNovaConfig } from '@voxframe/s2s-nova';
import { toNovaError } from '../src/errors';
import { ConversationHistory } from '../src/history';
import { InputQueue } from '../src/input-queue';
import { isInterruptedSignal } from '../src/protocol';
import './support/harness';

describe('settings', () => {
  it('fills in the defaults: Nova 2, matthew, us-east-1 without AWS_REGION', () => {
    const config = resolveNovaConfig({}, {});
    expect(config).toMatchObject({
      model: 'amazon.nova-2-sonic-v1:0',
      voice: 'matthew',
      region: 'us-east-1',
      temperature: 0.7,
      topP: novaSonicDefaults.top_p,
      maxTokens: 1024,
      endpointingSensitivity: 'MEDIUM',
      outputSampleRate: 24000,
      maxStreamMs: 450_000,
    });
    expect(config.endpoint).toBeUndefined();
    expect(resolveNovaConfig({}, { AWS_REGION: 'eu-north-1' }).region).toBe('eu-north-1');
  });

  it.each([
    [{ extra: { bogus: 1 } }, /unknown setting extra.bogus/],
    [{ model: 'amazon.nova-lite-v1:0' }, /not a Nova Sonic model/],
    [{ voice: 'kiara', model: 'amazon.nova-sonic-v1:0' }, /not a voice of amazon.nova-sonic-v1:0/],
    [{ extra: { region: 'Paris' } }, /not an AWS region name/],
    [{ extra: { base_url: 'ws://127.0.0.1:1' } }, /https or http/],
    [{ extra: { credentials: { accessKeyId: 'x' } } }, /extra.credentials/],
    [{ extra: { tool_choice: 'nope' } }, /tool_choice/],
    [{ extra: { output_sample_rate: 44100 } }, /output_sample_rate/],
    [{ extra: { max_stream_ms: 9 * 60_000 } }, /max_stream_ms must be an integer from 1 to 480000/],
    [{ temperature: 1.5 }, /temperature must be from 0 to 1/],
  ])('%j is refused with a message that says what to fix', (config, message) => {
    expect(() => resolveNovaConfig(config as never, {})).toThrow(S2SConfigError);
    expect(() => resolveNovaConfig(config as never, {})).toThrow(message);
  });

  it("createS2S('nova') checks extra at compile time and at run time", () => {
    // @ts-expect-error: not a setting of nova (the typed extra of S2SProviderExtras)
    expect(() => createS2S('nova', { extra: { api_key: 'x' } })).toThrow(/unknown setting extra.api_key/);
    // @ts-expect-error: endpointing sensitivity is HIGH, MEDIUM or LOW
    expect(() => createS2S('nova', { extra: { endpointing_sensitivity: 'FAST' } })).toThrow(/endpointing_sensitivity/);
    const engine = createS2S('nova', { extra: { region: 'us-west-2', credentials: { accessKeyId: 'AKID', secretAccessKey: 'x' } } });
    expect(engine.provider).toBe('nova');
    expect(engine.audioFormat).toEqual({ inputSampleRate: 16000, outputSampleRate: 24000 });
    expect(engine.capabilities).toMatchObject({ serverVad: true, truncation: false, textInput: true, maxSessionMs: 480_000 });
  });
});

describe('InputQueue', () => {
  const decode = (bytes: Uint8Array): string => Object.keys((JSON.parse(new TextDecoder().decode(bytes)) as { event: object }).event)[0] as string;

  it('control events go ahead of queued audio; the end events after it; then the iterable completes', async () => {
    const queue = new InputQueue('P', 'A', 16000, () => undefined);
    queue.audio({ base64: 'AAA=', samples: 1 });
    queue.control({ promptEnd: { promptName: 'P' } });
    queue.audio({ base64: 'AAA=', samples: 1 });
    queue.finish([{ sessionEnd: {} }]);
    queue.control({ promptEnd: { promptName: 'late' } }); // after finish: ignored
    const names: string[] = [];
    for await (const { chunk } of queue) names.push(decode(chunk.bytes));
    expect(names).toEqual(['promptEnd', 'audioInput', 'audioInput', 'sessionEnd']);
    expect(queue.pulledSamples).toBe(2);
  });

  it('is bounded: the oldest audio is dropped and reported; what was never pulled moves to the next stream', () => {
    const dropped: number[] = [];
    const queue = new InputQueue('P', 'A', 640, (n) => dropped.push(n));
    for (let i = 0; i < 5; i++) queue.audio({ base64: `chunk${i}`, samples: 160 });
    expect(dropped).toEqual([160]);
    expect(queue.queuedSamples).toBe(640);
    queue.abort();
    expect(queue.takeAudio().map((a) => a.base64)).toEqual(['chunk1', 'chunk2', 'chunk3', 'chunk4']);
    expect(queue.queuedSamples).toBe(0);
  });
});

describe('conversation mirror', () => {
  it('keeps heard assistant text, tool calls and results, and replays text starting with USER', () => {
    const history = new ConversationHistory();
    history.addMessages([{ role: 'assistant', content: 'Welcome.' }]);
    history.addUser('What is the weather in Paris?');
    history.addToolCall('t1', 'get_weather', '{"city":"Paris"}');
    history.addToolResult('t1', '{"temp":21}');
    history.addAssistant('It is twenty one degrees and sunny all day long.', 4000, 'u1', undefined);
    history.setPlayed('u1', 1000);
    expect(history.toMessages()).toEqual([
      { role: 'assistant', content: 'Welcome.' },
      { role: 'user', content: 'What is the weather in Paris?' },
      { role: 'assistant', content: '', toolCalls: [{ callId: 't1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
      { role: 'tool', content: '{"temp":21}', toolCallId: 't1' },
      { role: 'assistant', content: 'It is twenty' },
    ]);
    expect(history.toReplay(40, 1000)).toEqual([
      { role: 'USER', text: 'What is the weather in Paris?' },
      { role: 'ASSISTANT', text: '(called get_weather with {"city":"Paris"}) (tool result: {"temp":21}) It is twenty' },
    ]);
    // Bounded: the newest kept, still starting with USER, long text keeping its end.
    expect(history.toReplay(1, 10)).toEqual([]);
    history.addUser('Thanks, that is all for today.');
    expect(history.toReplay(1, 10)).toEqual([{ role: 'USER', text: 'for today.' }]);
  });

  it('heard text is cut by played time, back to a word boundary', () => {
    expect(heardText('one two three four', 1000, undefined)).toBe('one two three four');
    expect(heardText('one two three four', 1000, 1000)).toBe('one two three four');
    expect(heardText('one two three four', 1000, 500)).toBe('one two');
    expect(heardText('one two three four', 1000, 0)).toBe('');
  });
});

describe('protocol details', () => {
  it('recognizes the barge-in text as documented, whatever its spacing', () => {
    expect(isInterruptedSignal('{ "interrupted" : true }')).toBe(true);
    expect(isInterruptedSignal('{"interrupted":true}')).toBe(true);
    expect(isInterruptedSignal('interrupted')).toBe(false);
  });

  it('maps the SDK exceptions to typed errors, retryable or fatal, with the service message', () => {
    const named = (name: string, message: string): Error => Object.assign(new Error(message), { name });
    const validation = toNovaError(named('ValidationException', 'Invalid input.'));
    expect(validation).toBeInstanceOf(NovaSonicError);
    expect([validation.code, validation.recoverable, validation.disposition]).toEqual(['validation', false, 'fatal']);
    expect(validation.message).toContain('Invalid input.');
    for (const [name, code] of [
      ['ThrottlingException', 'throttled'],
      ['ModelStreamErrorException', 'model_stream_error'],
      ['ModelTimeoutException', 'model_timeout'],
      ['ServiceUnavailableException', 'service_unavailable'],
    ] as const) {
      const error = toNovaError(named(name, 'x'));
      expect([error.code, error.recoverable]).toEqual([code, true]);
    }
    expect(toNovaError(named('AccessDeniedException', 'no')).recoverable).toBe(false);
  });
});

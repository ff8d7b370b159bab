/**
 * Through the S2S processor (`@voxframe/processors`) with real speech from espeak-ng: a spoken turn at 16 kHz gets
 * 24 kHz audio back; barge-in stops the output and the mirror keeps what the pacer says was heard; a tool call and
 * its cancellation by the service; a goAway that moves the connection while the user talks with no sample lost
 * (counted at the emulator); a 1011 retried with the conversation going on; a 1007 giving a typed fatal error and a
 * clean end. The emulator checks every client message against `@google/genai`'s schema.
 */
import { makeFrame, pipeline, type ErrorFrame, type OutputAudioFrame, type PlaybackProgressFrame } from '@voxframe/core';
import { ProcessorHarness } from '@voxframe/core/testing';
import { ToolRegistry, defineTool, outputPacer, s2sProcessor, type S2SProcessor } from '@voxframe/processors';
import { GeminiLiveError, heardText, type GeminiLiveSession } from '@voxframe/s2s-gemini';
import { frames, scriptedReplies, type GeminiLiveEmulator } from '@voxframe/s2s-gemini/testing';
import { buildConversation, describeWithSpeech, type SpeechClip } from '../../processors/test/fixtures/speech';
import { engineFor, startEmulator, until } from './support/harness';

const QUESTION = 'What is the weather like in Paris today?';

async function feed(harness: ProcessorHarness, clip: SpeechClip): Promise<number> {
  let n = 0;
  let samples = 0;
  for (const chunk of frames(clip.samples, 20, clip.sampleRate)) {
    harness.send(makeFrame('audio.input', { samples: chunk, sampleRate: clip.sampleRate, channels: 1 }));
    samples += chunk.length;
    if (++n % 5 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  return samples;
}

function fatalErrors(harness: ProcessorHarness): ErrorFrame[] {
  return harness.framesOf('error', 'upstream').filter((e) => e.fatal);
}

describeWithSpeech('gemini_live through s2sProcessor', () => {
  let emulator: GeminiLiveEmulator;
  let harness: ProcessorHarness | undefined;
  let question: SpeechClip;
  let stop: SpeechClip;

  beforeAll(async () => {
    question = await buildConversation([{ text: QUESTION, silenceAfterMs: 1000 }], 16000, { leadSilenceMs: 300 });
    stop = await buildConversation([{ text: 'Stop, stop.', silenceAfterMs: 800 }], 16000, { leadSilenceMs: 0 });
  });

  beforeEach(async () => {
    emulator = await startEmulator({ transcribe: () => QUESTION });
  });

  afterEach(async () => {
    if (harness) {
      await harness.end().catch(() => undefined);
      harness.dispose();
      harness = undefined;
    }
    await emulator.close();
    expect(emulator.issues).toEqual([]);
  });

  function run(processor: S2SProcessor, ...after: Parameters<typeof pipeline>): ProcessorHarness {
    harness = new ProcessorHarness(after.length === 0 ? processor : pipeline(processor, ...after));
    return harness;
  }

  it('a spoken turn at 16 kHz gets 24 kHz audio back, with transcripts and a turn end', async () => {
    emulator.script = scriptedReplies({ say: 'It is sunny in Paris.', audioMs: 1200 });
    const h = run(s2sProcessor({ s2s: engineFor(emulator) }));
    await h.start();
    const sent = await feed(h, question);
    await h.waitFor((f) => f.type === 'turn.end' && f.role === 'assistant', 8000, 'the assistant turn end');
    expect(emulator.session.inputSamples).toBe(sent);
    const audio = h.framesOf('audio.output');
    expect(audio.every((f) => f.sampleRate === 24000 && f.channels === 1)).toBe(true);
    expect(audio.reduce((n, f) => n + f.samples.length, 0)).toBe(24000 * 1.2);
    const transcripts = h.framesOf('transcript');
    expect(transcripts.find((t) => t.role === 'user' && t.final)?.text).toBe(QUESTION);
    expect(transcripts.find((t) => t.role === 'assistant' && t.final)?.text).toBe('It is sunny in Paris.');
  });

  it('barge-in: output stops at once and the conversation keeps the assistant text as far as the pacer says it was heard', async () => {
    await emulator.close();
    emulator = await startEmulator({ transcribe: () => QUESTION, chunkIntervalMs: 10 });
    const answer = 'Let me tell you everything about the weather in Paris, in great detail, for a long time.';
    emulator.script = scriptedReplies({ say: answer, audioMs: 6000 }, { say: 'OK, I stop.' });
    const processor = s2sProcessor({ s2s: engineFor(emulator) });
    const h = run(processor, outputPacer());
    await h.start();
    await feed(h, question);
    await h.waitForType('audio.output', 8000);
    await until(() => (latestProgress(h)?.playedMs ?? 0) >= 700, 5000, '700 ms played');
    await feed(h, stop);
    await h.waitFor((f) => f.type === 'interruption.start', 5000, 'the interruption');
    await until(() => emulator.session.interruptions === 1, 5000, 'the service interrupted');
    const session = processor.session as GeminiLiveSession;
    const firstUtterance = h.framesOf('audio.output')[0].utteranceId;
    const heard = h.framesOf('playback.progress', 'upstream').filter((p) => p.final && p.utteranceId === firstUtterance).pop();
    expect(heard).toBeDefined();
    const playedMs = (heard as PlaybackProgressFrame).playedMs;
    expect(playedMs).toBeGreaterThanOrEqual(700);
    expect(playedMs).toBeLessThan(6000);
    await until(() => session.conversation.some((m) => m.role === 'assistant'), 3000, 'the mirrored assistant turn');
    const assistant = session.conversation.find((m) => m.role === 'assistant');
    const content = assistant?.content ?? '';
    // Cut at a word boundary, within one word of the share of the 6 s answer the pacer played (the emulator spreads
    // the words evenly over the audio; the mirror cuts the transcript received so far by played/generated ms).
    expect(answer.startsWith(content)).toBe(true);
    expect(content.length).toBeGreaterThan(0);
    expect(content.length).toBeLessThan(answer.length);
    expect(Math.abs(content.split(' ').length - heardText(answer, 6000, playedMs).split(' ').length)).toBeLessThanOrEqual(1);
    const cutAt = h.downstream.findIndex((f) => f.type === 'interruption.start');
    const after = h.downstream.slice(cutAt).filter((f): f is OutputAudioFrame => f.type === 'audio.output' && f.utteranceId === firstUtterance);
    expect(after).toEqual([]);
  });

  it('a tool call runs through the registry; a second is cancelled by the service on barge-in and its signal aborted', async () => {
    const aborted: string[] = [];
    const registry = new ToolRegistry([
      defineTool({
        name: 'get_weather',
        description: 'Current weather for a city',
        parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        handler: ({ city }) => ({ city, temp: 21 }),
      }),
      defineTool({
        name: 'book_table',
        parameters: { type: 'object', properties: {} },
        handler: (_args, { signal, callId }) =>
          new Promise((_resolve, reject) => {
            signal.addEventListener('abort', () => {
              aborted.push(callId);
              reject(new Error('aborted'));
            });
          }),
      }),
    ]);
    emulator.script = scriptedReplies(
      { toolCalls: [{ name: 'get_weather', args: { city: 'Paris' } }] },
      (ctx) => ({ say: `It is ${String((ctx.toolResponses[0].response.output as { temp: number }).temp)} degrees in Paris.` }),
      { toolCalls: [{ name: 'book_table', args: {} }] },
      { say: 'Fine.' },
    );
    const h = run(s2sProcessor({ s2s: engineFor(emulator, {}, { tools: registry.definitions() }), tools: registry }));
    await h.start();
    await feed(h, question);
    await h.waitFor((f) => f.type === 'transcript' && f.role === 'assistant' && f.final && f.text === 'It is 21 degrees in Paris.', 8000, 'the answer');
    expect(h.framesOf('tool.result')[0]).toMatchObject({ isError: false, output: JSON.stringify({ city: 'Paris', temp: 21 }) });
    // The next turn calls book_table, which hangs; the user talks over it and the service cancels it.
    await feed(h, question);
    await h.waitFor((f) => f.type === 'tool.call' && f.name === 'book_table', 8000, 'the second call');
    const booking = h.framesOf('tool.call').find((c) => c.name === 'book_table');
    await feed(h, stop);
    await until(() => aborted.length === 1, 5000, 'the aborted handler');
    expect(aborted).toEqual([booking?.callId]);
    await h.waitFor((f) => f.type === 'tool.result' && f.callId === booking?.callId, 3000, 'the cancelled result frame');
    expect(h.framesOf('tool.result').find((r) => r.callId === booking?.callId)?.isError).toBe(true);
    // A withdrawn call gets no toolResponse (the service would refuse an unknown id).
    const responses = emulator.session.connections.flatMap((c) => c.received).filter((m) => 'toolResponse' in m);
    expect(responses).toHaveLength(1);
  });

  it('goAway while the user talks: the connection moves with the resumption handle and not one sample is lost', async () => {
    const h = run(s2sProcessor({ s2s: engineFor(emulator, { pause_quiet_ms: 50 }) }));
    await h.start();
    await until(() => emulator.sessions.length === 1, 5000, 'the session');
    h.send(makeFrame('text', { text: 'Hello', role: 'user' }));
    await h.waitFor((f) => f.type === 'turn.end' && f.role === 'assistant', 8000, 'the first answer');
    await until(() => emulator.connection.received.length > 0 && emulator.session.connections.length === 1, 1000, 'handle');
    emulator.connection.goAway(4000);
    const sent = (await feed(h, question)) + (await feed(h, question));
    await until(() => emulator.session.connections.length === 2, 5000, 'the new connection');
    await until(() => emulator.session.inputSamples === sent, 5000, `all ${sent} samples at the emulator`);
    const [first, second] = emulator.session.connections;
    expect(first.inputSamples + second.inputSamples).toBe(sent);
    expect(second.setup).toMatchObject({ sessionResumption: { handle: expect.stringMatching(/^handle-/) as string } });
    expect(emulator.sessions).toHaveLength(1);
    expect(fatalErrors(h)).toEqual([]);
    await h.waitFor((f) => f.type === 'turn.end' && f.role === 'assistant' && h.framesOf('turn.end').filter((t) => t.role === 'assistant').length >= 2, 8000, 'an answer after the move');
  });

  it('1011: a non-fatal error frame, a retry with resumption, and the next turn is answered', async () => {
    const h = run(s2sProcessor({ s2s: engineFor(emulator) }));
    await h.start();
    await until(() => emulator.sessions.length === 1 && emulator.connections.length === 1, 5000, 'the session');
    emulator.connection.closeWith(1011, 'Internal error occurred.');
    const error = (await h.waitForType('error')) as ErrorFrame;
    expect(error.fatal).toBe(false);
    expect(error.error).toBeInstanceOf(GeminiLiveError);
    await until(() => emulator.connections.filter((c) => !c.closed).length === 1 && emulator.connections.length === 2, 5000, 'the reconnect');
    await feed(h, question);
    await h.waitFor((f) => f.type === 'turn.end' && f.role === 'assistant', 8000, 'the answer after the retry');
    expect(fatalErrors(h)).toEqual([]);
  });

  it('1007: a typed fatal error and a clean end', async () => {
    const h = run(s2sProcessor({ s2s: engineFor(emulator) }));
    await h.start();
    await until(() => emulator.connections.length === 1 && emulator.connection.setup !== undefined, 5000, 'the session');
    emulator.connection.closeWith(1007, 'Request contains an invalid argument.');
    const error = (await h.waitFor((f) => f.type === 'error' && f.fatal, 5000, 'the fatal error')) as ErrorFrame;
    expect(error.error).toMatchObject({ code: 'invalid_argument', closeCode: 1007, recoverable: false });
    expect(error.error.message).toMatch(/Request contains an invalid argument/);
    await h.end();
    harness = undefined;
    h.dispose();
    expect(emulator.connections).toHaveLength(1);
  });

  it('a refused key at start: a typed fatal error frame', async () => {
    const h = run(s2sProcessor({ s2s: engineFor(emulator, { api_key: 'bad-key' }) }));
    await h.start();
    const error = (await h.waitFor((f) => f.type === 'error' && f.fatal, 5000, 'the fatal error')) as ErrorFrame;
    expect(error.error.code).toBe('start_failed');
    expect((error.error as { cause?: unknown }).cause).toMatchObject({ closeCode: 1007, reason: 'API key not valid. Please pass a valid API key.' });
  });
});

function latestProgress(harness: ProcessorHarness): PlaybackProgressFrame | undefined {
  const all = harness.framesOf('playback.progress', 'upstream');
  return all[all.length - 1];
}

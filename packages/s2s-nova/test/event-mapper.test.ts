/**
 * Output events -> session events without a network: FINAL vs SPECULATIVE stages (nothing reported twice), the
 * barge-in text and stop reason, audio of an interrupted turn dropped but counted for the heard text, tool use,
 * and usage deltas.
 */
import { silentLogger, type S2SEvent } from '@voxframe/core';
import { OutputEventMapper } from '../src/event-mapper';
import { ConversationHistory } from '../src/history';
import type { OutputEvent } from '../src/protocol';

function setup(): { mapper: OutputEventMapper; events: S2SEvent[]; history: ConversationHistory; feed: (...events: [string, object][]) => void } {
  const events: S2SEvent[] = [];
  const history = new ConversationHistory();
  const mapper = new OutputEventMapper({ emit: (e) => events.push(e), history, outputSampleRate: 24000, model: 'm', logger: silentLogger() });
  const feed = (...input: [string, object][]): void => {
    for (const [name, body] of input) mapper.handle({ name, body } as OutputEvent);
  };
  return { mapper, events, history, feed };
}

const stage = (s: string): string => JSON.stringify({ generationStage: s });
const pcm = (samples: number): string => Buffer.alloc(samples * 2).toString('base64');

function turn(text: string, audioChunks: number, stop = 'END_TURN'): [string, object][] {
  return [
    ['contentStart', { contentId: 'u', type: 'TEXT', role: 'USER', additionalModelFields: stage('FINAL') }],
    ['textOutput', { contentId: 'u', content: 'question' }],
    ['contentEnd', { contentId: 'u', stopReason: 'PARTIAL_TURN' }],
    ['contentStart', { contentId: 's', type: 'TEXT', role: 'ASSISTANT', additionalModelFields: stage('SPECULATIVE') }],
    ['textOutput', { contentId: 's', content: text }],
    ['contentEnd', { contentId: 's', stopReason: 'PARTIAL_TURN' }],
    ['contentStart', { contentId: 'a', type: 'AUDIO', role: 'ASSISTANT' }],
    ...Array.from({ length: audioChunks }, (): [string, object] => ['audioOutput', { contentId: 'a', content: pcm(2400) }]),
    ['contentEnd', { contentId: 'a', stopReason: stop }],
    ['contentStart', { contentId: 'f', type: 'TEXT', role: 'ASSISTANT', additionalModelFields: stage('FINAL') }],
    ['textOutput', { contentId: 'f', content: text }],
    ['contentEnd', { contentId: 'f', stopReason: stop }],
  ];
}

describe('OutputEventMapper', () => {
  it('reports the user and the assistant from FINAL text only, audio at 24 kHz, then the turn end', () => {
    const { events, feed, history } = setup();
    feed(['completionStart', {}], ...turn('It is sunny.', 3));
    expect(events.map((e) => e.type)).toEqual(['transcript', 'response.started', 'audio', 'audio', 'audio', 'transcript', 'turn.end']);
    expect(events.filter((e) => e.type === 'transcript').map((e) => (e as { text: string }).text)).toEqual(['question', 'It is sunny.']);
    expect(events.at(-1)).toMatchObject({ type: 'turn.end', status: 'completed' });
    expect(history.toMessages()).toEqual([
      { role: 'user', content: 'question' },
      { role: 'assistant', content: 'It is sunny.' },
    ]);
  });

  it('the barge-in text stops the audio at once; the rest of the turn is dropped but counted', () => {
    const { mapper, events, feed, history } = setup();
    const input = turn('one two three four five six seven eight', 10, 'INTERRUPTED');
    const audioStart = input.findIndex(([name]) => name === 'audioOutput');
    feed(...input.slice(0, audioStart + 2));
    feed(['textOutput', { contentId: 's', content: '{ "interrupted" : true }' }]);
    feed(...input.slice(audioStart + 2));
    const interrupted = events.filter((e) => e.type === 'interrupted');
    expect(interrupted).toEqual([{ type: 'interrupted', utteranceId: 'a' }]);
    expect(events.filter((e) => e.type === 'audio')).toHaveLength(2);
    expect(events.at(-1)).toMatchObject({ type: 'turn.end', status: 'interrupted' });
    // The processor then reports what was heard: 200 ms of the 1 s generated.
    mapper.interrupt(200, 'a');
    expect(history.toMessages()[1]).toEqual({ role: 'assistant', content: 'one two' });
  });

  it('tool use becomes a tool call; usage deltas become usage events', () => {
    const { events, feed } = setup();
    feed(
      ['contentStart', { contentId: 't', type: 'TOOL', role: 'TOOL' }],
      ['toolUse', { contentId: 't', toolName: 'get_weather', toolUseId: 'tu1', content: '{"city":"Paris"}' }],
      ['contentEnd', { contentId: 't', stopReason: 'TOOL_USE' }],
      ['usageEvent', { details: { delta: { input: { speechTokens: 3, textTokens: 1 }, output: { speechTokens: 5, textTokens: 2 } } } }],
    );
    expect(events).toEqual([
      { type: 'response.started', responseId: 'nova-response-1' },
      { type: 'tool.call', callId: 'tu1', name: 'get_weather', arguments: '{"city":"Paris"}' },
      {
        type: 'usage',
        model: 'm',
        usage: { inputTokens: 4, outputTokens: 7, totalTokens: 11, inputAudioTokens: 3, inputTextTokens: 1, outputAudioTokens: 5, outputTextTokens: 2 },
      },
    ]);
  });
});

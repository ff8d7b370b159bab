/**
 * Server messages to events without a socket: several fields in one `serverContent`, the order of the mirrored
 * conversation when transcripts arrive late or during a barge-in, cancellation of unknown ids, usage mapping.
 */
import type { S2SEvent } from '@voxframe/core';
import { ConversationHistory } from '@voxframe/s2s-gemini';
import { ServerMessageMapper } from '../src/event-mapper';

function setup(): { mapper: ServerMessageMapper; events: S2SEvent[]; history: ConversationHistory } {
  const events: S2SEvent[] = [];
  const history = new ConversationHistory(100);
  const mapper = new ServerMessageMapper({ history, model: 'gemini-3.8-live', emit: (e) => events.push(e) });
  return { mapper, events, history };
}

const audio = (ms: number): string => Buffer.alloc(ms * 48).toString('base64');

describe('ServerMessageMapper', () => {
  it('handles every field of one serverContent: audio, transcripts, completion, with usage beside it', () => {
    const { mapper, events, history } = setup();
    mapper.map({ serverContent: { inputTranscription: { text: 'Hi there' } } });
    mapper.map({
      serverContent: { modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data: audio(100) } }] }, outputTranscription: { text: 'Hello' }, generationComplete: true, turnComplete: true },
      usageMetadata: { promptTokenCount: 10, responseTokenCount: 5, totalTokenCount: 15, promptTokensDetails: [{ modality: 'AUDIO', tokenCount: 8 }, { modality: 'TEXT', tokenCount: 2 }] },
    });
    expect(events.map((e) => e.type)).toEqual(['transcript', 'transcript', 'response.started', 'audio', 'transcript', 'transcript', 'turn.end', 'usage']);
    expect(events.find((e) => e.type === 'audio')).toMatchObject({ sampleRate: 24000, samples: expect.any(Int16Array) as Int16Array });
    expect((events.find((e) => e.type === 'audio') as { samples: Int16Array }).samples.length).toBe(2400);
    expect(events.find((e) => e.type === 'usage')).toMatchObject({ usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15, inputAudioTokens: 8, inputTextTokens: 2 } });
    expect(history.toMessages()).toEqual([
      { role: 'user', content: 'Hi there' },
      { role: 'assistant', content: 'Hello' },
    ]);
  });

  it('keeps the conversation in order when the user barges in: words before the interruption first, words after for the next turn', () => {
    const { mapper, events, history } = setup();
    mapper.map({ serverContent: { inputTranscription: { text: 'Tell me a story' } } });
    mapper.map({ serverContent: { modelTurn: { parts: [{ inlineData: { data: audio(1000) } }] }, outputTranscription: { text: 'Once upon a time' } } });
    const utteranceId = (events.find((e) => e.type === 'audio') as { utteranceId: string }).utteranceId;
    expect(mapper.interruptLocally(500, utteranceId)).toMatchObject({ type: 'interrupted', playedMs: 500 });
    mapper.map({ serverContent: { inputTranscription: { text: 'Stop' } } });
    mapper.map({ serverContent: { interrupted: true } });
    mapper.map({ serverContent: { turnComplete: true } });
    // The local interrupt returned the one `interrupted` (the session emits it); the service's adds none.
    expect(events.filter((e) => e.type === 'interrupted')).toHaveLength(0);
    expect(events.filter((e) => e.type === 'turn.end')).toMatchObject([{ status: 'interrupted' }]);
    mapper.map({ serverContent: { modelTurn: { parts: [{ text: 'OK.' }] }, turnComplete: true } });
    expect(history.toMessages()).toEqual([
      { role: 'user', content: 'Tell me a story' },
      { role: 'assistant', content: 'Once' }, // half of 'Once upon a time' ends inside 'upon': cut back to a word boundary
      { role: 'user', content: 'Stop' },
      { role: 'assistant', content: 'OK.' },
    ]);
  });

  it('cancels only calls it knows, and a connection reset ends an open turn as failed', () => {
    const { mapper, events } = setup();
    mapper.map({ toolCall: { functionCalls: [{ id: 'a', name: 'x', args: { q: 1 } }, { id: 'b', name: 'y' }] } });
    expect(events.filter((e) => e.type === 'tool.call')).toMatchObject([{ callId: 'a', name: 'x', arguments: '{"q":1}' }, { callId: 'b', arguments: '{}' }]);
    mapper.map({ toolCallCancellation: { ids: ['b', 'zzz'] } });
    expect(events.filter((e) => e.type === 'tool.cancelled')).toEqual([{ type: 'tool.cancelled', callIds: ['b'] }]);
    expect(mapper.pendingCallCount).toBe(1);
    expect(mapper.reset()).toBe(true);
    expect(events[events.length - 1]).toMatchObject({ type: 'turn.end', status: 'failed' });
  });
});

/**
 * Protocol bookkeeping that must not misfire: tolerated error ids, and tool calls run once however many calls came
 * before. Pure units, no socket.
 */
import { silentLogger, type S2SEvent } from '@voxframe/core';
import { AudioCodec } from '../src/audio-codec';
import { ServerEventMapper } from '../src/event-mapper';
import { ConversationHistory } from '../src/history';
import { ResponseSequencer } from '../src/response-sequencer';
import { ToleratedIds } from '../src/tolerated-errors';
import { TruncationTracker } from '../src/truncation';

describe('tolerated error ids', () => {
  it('an error without event_id is tolerated while one is outstanding, but consumes none', () => {
    const ids = new ToleratedIds();
    ids.add('vf_1');
    ids.add('vf_2');
    expect(ids.match(null)).toBe(true);
    // Both remembered events can still be matched by their echoed ids.
    expect(ids.match('vf_1')).toBe(true);
    expect(ids.match('vf_2')).toBe(true);
    expect(ids.match(undefined)).toBe(false);
  });

  it('an unknown echoed id is a genuine error', () => {
    const ids = new ToleratedIds();
    ids.add('vf_1');
    expect(ids.match('vf_9')).toBe(false);
  });
});

describe('tool calls run once', () => {
  it('a duplicate function_call after many other calls emits no second tool.call', () => {
    const events: S2SEvent[] = [];
    const sequencer = new ResponseSequencer(() => undefined);
    const mapper = new ServerEventMapper({
      codec: new AudioCodec('pcm16'),
      sequencer,
      truncation: new TruncationTracker(),
      history: new ConversationHistory(10),
      model: 'gpt-realtime-2.1',
      logger: silentLogger(),
      serviceCancelsOnSpeech: true,
      emit: (event) => events.push(event),
      now: () => 0,
    });
    const call = (responseId: string, callId: string): void => {
      mapper.handle({ type: 'response.created', response: { id: responseId } });
      mapper.handle({ type: 'response.function_call_arguments.done', response_id: responseId, call_id: callId, name: 'charge_card', arguments: '{}' });
      mapper.handle({ type: 'response.done', response: { id: responseId, status: 'completed', output: [] } });
    };
    call('resp_first', 'call_first');
    for (let i = 0; i < 300; i++) call(`resp_${i}`, `call_${i}`);
    // The service repeats the first call (e.g. in a later response.done): it must not run twice.
    mapper.handle({ type: 'response.done', response: { id: 'resp_again', status: 'completed', output: [{ type: 'function_call', call_id: 'call_first', name: 'charge_card', arguments: '{}' }] } });
    expect(events.filter((e) => e.type === 'tool.call' && e.callId === 'call_first')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'tool.call')).toHaveLength(301);
  });
});

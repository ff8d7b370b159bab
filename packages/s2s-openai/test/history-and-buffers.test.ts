import { heardText } from '@voxframe/core';
import { ConversationHistory } from '../src/history';
import { AudioCodec } from '../src/audio-codec';
import { AudioRing } from '../src/audio-ring';
import { TruncationTracker } from '../src/truncation';

describe('conversation history mirror', () => {
  it('re-creates the conversation as GA items, assistant text cut to what was heard', () => {
    const history = new ConversationHistory(100);
    history.addMessages([
      { role: 'system', content: 'Context.' },
      { role: 'assistant', content: '', toolCalls: [{ callId: 'c0', name: 'f', arguments: '{}' }] },
      { role: 'tool', content: '"r"', toolCallId: 'c0' },
    ]);
    history.addUserAudio('item_u');
    history.setUserTranscript('item_u', 'tell me a story');
    history.addAssistant('item_a');
    history.setAssistantText('item_a', 'once upon a time there was a fox');
    history.truncateAssistant('item_a', 400, 1000);
    expect(history.toItems()).toEqual([
      { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'Context.' }] },
      { type: 'function_call', call_id: 'c0', name: 'f', arguments: '{}' },
      { type: 'function_call_output', call_id: 'c0', output: '"r"' },
      { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'tell me a story' }] },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'once upon a' }] },
    ]);
    expect(history.toMessages().map((m) => m.role)).toEqual(['system', 'assistant', 'tool', 'user', 'assistant']);
  });

  it('stays bounded and never keeps a tool result without its call', () => {
    const history = new ConversationHistory(3);
    history.addFunctionCall('c1', 'f', '{}');
    history.addFunctionOutput('c1', 'x');
    history.addText('user', 'a');
    history.addText('user', 'b');
    expect(history.entries.map((e) => e.kind)).toEqual(['message', 'message']);
  });

  it('cuts heard text at a word boundary', () => {
    expect(heardText('hello wonderful world', 500, 1000)).toBe('hello');
    expect(heardText('hello', 0, 1000)).toBe('');
    expect(heardText('hello', 1000, 1000)).toBe('hello');
  });
});

describe('AudioRing', () => {
  it('keeps the newest samples, counts what it drops, drains in order', () => {
    const ring = new AudioRing(5);
    ring.push(Int16Array.from([1, 2, 3]));
    expect(ring.push(Int16Array.from([4, 5, 6, 7]))).toBe(2);
    expect(Array.from(ring.tail(2))).toEqual([6, 7]);
    expect(ring.drain(2).map((c) => Array.from(c))).toEqual([[3, 4], [5, 6], [7]]);
    expect(ring.length).toBe(0);
    expect(ring.dropped).toBe(2);
    expect(ring.push(Int16Array.from([1, 2, 3, 4, 5, 6, 7, 8]))).toBe(3);
    expect(Array.from(ring.tail(10))).toEqual([4, 5, 6, 7, 8]);
  });
});

describe('TruncationTracker', () => {
  it('plans whole-ms truncation clamped to the generated audio, once per item', () => {
    const tracker = new TruncationTracker();
    tracker.addAudio('a', 100, 'r', 0);
    tracker.addAudio('a', 150, 'r', 0);
    expect(tracker.plan(undefined, 1000, 0)).toBeUndefined(); // fully heard
    expect(tracker.plan('a', 120.9, 0)).toEqual({ itemId: 'a', audioEndMs: 120, generatedMs: 250 });
    expect(tracker.plan('a', 10, 0)).toBeUndefined(); // truncated already
    expect(tracker.plan('missing', 10, 0)).toBeUndefined();
  });
});

describe('AudioCodec', () => {
  it('decodes PCM16 deltas split at an odd byte without losing or shifting samples', () => {
    const codec = new AudioCodec('pcm16');
    const samples = Int16Array.from([1000, -2, 300, -32768, 32767]);
    const bytes = Buffer.from(samples.buffer);
    const a = codec.decode(bytes.subarray(0, 3).toString('base64'));
    const b = codec.decode(bytes.subarray(3, 3).toString('base64'));
    const c = codec.decode(bytes.subarray(3).toString('base64'));
    expect([...a, ...b, ...c]).toEqual([...samples]);
  });
});

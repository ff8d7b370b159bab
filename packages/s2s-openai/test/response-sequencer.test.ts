import { ResponseSequencer } from '../src/response-sequencer';

describe('ResponseSequencer (when to send response.create)', () => {
  function make(): { sequencer: ResponseSequencer; creates: () => number } {
    let count = 0;
    const sequencer = new ResponseSequencer(() => {
      count += 1;
    });
    return { sequencer, creates: () => count };
  }

  it('sends at once when idle, and only once until the response is created', () => {
    const { sequencer, creates } = make();
    sequencer.request();
    sequencer.request();
    expect(creates()).toBe(1);
    sequencer.onResponseCreated('r1');
    sequencer.onResponseDone('r1');
    expect(creates()).toBe(2); // the second request was held, then sent
  });

  it('holds a request while a response is active', () => {
    const { sequencer, creates } = make();
    sequencer.onResponseCreated('vad');
    sequencer.request();
    expect(creates()).toBe(0);
    sequencer.onResponseDone('vad');
    expect(creates()).toBe(1);
  });

  it('waits for every tool result of a response, then responds once', () => {
    const { sequencer, creates } = make();
    sequencer.onResponseCreated('r1');
    sequencer.onToolCall('a');
    sequencer.onToolCall('b');
    sequencer.onResponseDone('r1');
    sequencer.onToolResult('b', true);
    expect(creates()).toBe(0);
    expect(sequencer.busy).toBe(true);
    sequencer.onToolResult('a', true);
    expect(creates()).toBe(1);
  });

  it('does not respond when no result asks for it', () => {
    const { sequencer, creates } = make();
    sequencer.onToolCall('a');
    sequencer.onToolResult('a', false);
    expect(creates()).toBe(0);
    expect(sequencer.busy).toBe(false);
  });

  it('retries a create refused because a server-VAD response raced it', () => {
    const { sequencer, creates } = make();
    sequencer.request();
    sequencer.onResponseCreated('vad');
    sequencer.onCreateRefused();
    expect(creates()).toBe(1);
    sequencer.onResponseDone('vad');
    expect(creates()).toBe(2);
  });

  it('holds requests while paused (no connection) and reports a lost response on reset', () => {
    const { sequencer, creates } = make();
    sequencer.onResponseCreated('r1');
    sequencer.pause();
    expect(sequencer.onConnectionReset()).toBe(true);
    sequencer.request();
    expect(creates()).toBe(0);
    sequencer.resume();
    expect(creates()).toBe(1);
  });
});

/**
 * Timing logic in virtual time (the injected clock): the goAway planner moves at the first pause or at the
 * deadline, and reconnect backoff is bounded; the heard-text cut and the history mirror.
 */
import { createVirtualClock } from '@voxframe/core/testing';
import { ConversationHistory, GoAwayPlanner, heardText, reconnectDelayMs, schedulerClock } from '@voxframe/s2s-gemini';

describe('goAway planner (virtual time)', () => {
  function setup(busy: { value: boolean }) {
    const virtual = createVirtualClock();
    const rotations: number[] = [];
    const planner = new GoAwayPlanner(schedulerClock(virtual), 300, 2000, { isBusy: () => busy.value, rotate: () => rotations.push(virtual.now()) });
    return { virtual, rotations, planner };
  }

  it('rotates after the quiet time when nothing is going on', () => {
    const { virtual, rotations, planner } = setup({ value: false });
    virtual.advanceTo(1000);
    planner.notifyActivity(); // the last conversation event
    virtual.advanceTo(1100);
    planner.goAway(10_000);
    expect(rotations).toEqual([]);
    virtual.advanceTo(1299);
    expect(rotations).toEqual([]);
    virtual.advanceTo(1000 + 300);
    expect(rotations).toEqual([1300]);
    virtual.advanceTo(20_000);
    expect(rotations).toEqual([1300]);
  });

  it('waits while busy, re-arms on activity, and fires at timeLeft - margin at the latest', () => {
    const busy = { value: true };
    const { virtual, rotations, planner } = setup(busy);
    planner.goAway(10_000);
    virtual.advanceTo(5000);
    expect(rotations).toEqual([]);
    busy.value = false;
    planner.notifyActivity(); // the turn ended at 5000
    virtual.advanceTo(5299);
    expect(rotations).toEqual([]);
    virtual.advanceTo(5300);
    expect(rotations).toEqual([5300]);

    const again = setup({ value: true });
    again.planner.goAway(10_000);
    again.virtual.advanceTo(7999);
    expect(again.rotations).toEqual([]);
    again.virtual.advanceTo(8000);
    expect(again.rotations).toEqual([8000]);
  });

  it('cancel stops every timer', () => {
    const { virtual, rotations, planner } = setup({ value: false });
    planner.goAway(1000);
    planner.cancel();
    virtual.advanceTo(5000);
    expect(rotations).toEqual([]);
    expect(planner.pending).toBe(false);
  });

  it('the clock sleeps in virtual time and aborts', async () => {
    const virtual = createVirtualClock();
    const clock = schedulerClock(virtual);
    const controller = new AbortController();
    const slept = clock.sleep(250, controller.signal);
    virtual.advanceTo(250);
    await expect(slept).resolves.toBe(true);
    const aborted = clock.sleep(250, controller.signal);
    controller.abort();
    await expect(aborted).resolves.toBe(false);
  });
});

describe('reconnect backoff', () => {
  it('doubles from the base, is capped, and jitters within +-20%', () => {
    expect([0, 1, 2, 3, 10].map((a) => reconnectDelayMs(a, 250, 5000, () => 0.5))).toEqual([250, 500, 1000, 2000, 5000]);
    expect(reconnectDelayMs(0, 1000, 5000, () => 0)).toBe(800);
    expect(reconnectDelayMs(0, 1000, 5000, () => 1)).toBe(1200);
  });
});

describe('what was heard', () => {
  it('cuts the transcript at the played share, back to a word boundary', () => {
    expect(heardText('one two three four', 4000, undefined)).toBe('one two three four');
    expect(heardText('one two three four', 4000, 4000)).toBe('one two three four');
    expect(heardText('one two three four', 4000, 0)).toBe('');
    expect(heardText('one two three four', 4000, 2000)).toBe('one two');
    expect(heardText('one two three four', 4000, 1000)).toBe('one');
    expect(heardText('one two three four', 0, 1000)).toBe('one two three four');
  });

  it('the mirror gives LLM messages and clientContent turns, and stays bounded without orphaned results', () => {
    const history = new ConversationHistory(4);
    history.addText('user', 'weather?');
    history.addCall('c1', 'get_weather', '{"city":"Paris"}');
    history.addResult('c1', 'get_weather', '{"temp":21}');
    history.addAssistant('It is warm and sunny', 2000, 'u1');
    history.setPlayed('u1', 1000);
    expect(history.toMessages()).toEqual([
      { role: 'user', content: 'weather?' },
      { role: 'assistant', content: '', toolCalls: [{ callId: 'c1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
      { role: 'tool', content: '{"temp":21}', toolCallId: 'c1' },
      { role: 'assistant', content: 'It is warm' },
    ]);
    expect(history.toTurns()).toEqual([
      { role: 'user', parts: [{ text: 'weather?' }] },
      { role: 'model', parts: [{ functionCall: { id: 'c1', name: 'get_weather', args: { city: 'Paris' } } }] },
      { role: 'user', parts: [{ functionResponse: { id: 'c1', name: 'get_weather', response: { output: '{"temp":21}' } } }] },
      { role: 'model', parts: [{ text: 'It is warm' }] },
    ]);
    history.addText('user', 'thanks');
    history.addText('user', 'bye');
    // Dropping the call drops its result too.
    expect(history.entries.map((e) => e.kind)).toEqual(['assistant', 'message', 'message']);
  });
});

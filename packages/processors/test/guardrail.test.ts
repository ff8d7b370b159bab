import { TestScheduler } from 'rxjs/testing';
import { makeFrame } from '@voxframe/core';
import { ProcessorHarness } from '@voxframe/core/testing';
import { GuardrailActionFrame, textGuardrail, type GuardrailCheck } from '../src';

const say = (text: string) => makeFrame('text', { text, role: 'assistant' });
const spoken = (harness: ProcessorHarness) => harness.framesOf('text').filter((f) => f.role === 'assistant').map((f) => f.text);
const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};
const noCards: GuardrailCheck = (text) =>
  /\d{4} \d{4}/.test(text) ? { action: 'block', reason: 'card number', replacement: 'I cannot read that out. ' } : { action: 'allow' };

describe('textGuardrail', () => {
  it('releases each sentence once checked, blocks one with its replacement, and holds an unfinished sentence', async () => {
    const harness = new ProcessorHarness(textGuardrail({ check: noCards }));
    await harness.start();
    harness.send(say('Sure. Your card '), say('is 4111 1111 1111 1111. '), say('Anything'));
    await settle();
    expect(spoken(harness)).toEqual(['Sure. ', 'I cannot read that out. ']);
    const actions = harness.downstream.filter((f) => GuardrailActionFrame.is(f));
    expect(actions).toEqual([expect.objectContaining({ action: 'block', reason: 'card number', original: 'Your card is 4111 1111 1111 1111. ' })]);
    harness.send(say(' else?'), makeFrame('response.ended', { status: 'completed' }));
    await settle();
    expect(spoken(harness)).toEqual(['Sure. ', 'I cannot read that out. ', 'Anything else?']);
    // the reply end leaves after the text it closes
    expect(harness.downstream.map((f) => f.type).slice(-2)).toEqual(['text', 'response.ended']);
    harness.dispose();
  });

  it('checks each sentence on its own when one text frame carries several: a blocked one does not take its neighbours', async () => {
    const checked: string[] = [];
    const harness = new ProcessorHarness(textGuardrail({ check: (text, context) => (checked.push(text), noCards(text, context)) }));
    await harness.start();
    harness.send(say('You paid with card 4111 1111 1111 1111. Delivery is on Friday! Anything else? '));
    await settle();
    expect(checked).toEqual(['You paid with card 4111 1111 1111 1111. ', 'Delivery is on Friday! ', 'Anything else? ']);
    expect(spoken(harness)).toEqual(['I cannot read that out. ', 'Delivery is on Friday! ', 'Anything else? ']);
    harness.dispose();
  });

  it('in reply mode checks the whole reply once and can rewrite it', async () => {
    const seen: string[] = [];
    const harness = new ProcessorHarness(
      textGuardrail({
        unit: 'reply',
        check: (text) => {
          seen.push(text);
          return { action: 'rewrite', text: text.replace('darn', '****') };
        },
      }),
    );
    await harness.start();
    harness.send(say('Well, '), say('darn. '), say('Sorry.'));
    await settle();
    expect(spoken(harness)).toEqual([]);
    harness.send(makeFrame('turn.end', { role: 'assistant', status: 'completed' }));
    await settle();
    expect(seen).toEqual(['Well, darn. Sorry.']);
    expect(spoken(harness)).toEqual(['Well, ****. Sorry.']);
    harness.dispose();
  });

  it('fails closed when the check is too slow (virtual time), with a recoverable error frame', async () => {
    const clock = new TestScheduler(() => undefined);
    clock.maxFrames = Number.POSITIVE_INFINITY;
    const harness = new ProcessorHarness(textGuardrail({ timeoutMs: 500, check: () => new Promise(() => undefined) }), { scheduler: clock });
    await harness.start();
    harness.send(say('Hello there. '));
    await settle();
    clock.flush();
    await settle();
    expect(spoken(harness)).toEqual([]);
    expect(harness.framesOf('error', 'upstream').map((e) => [e.error.code, e.fatal])).toEqual([['guardrail_timeout', false]]);
    harness.dispose();
  });

  it('a barge-in aborts the check in flight and drops what it held', async () => {
    let aborted = false;
    const harness = new ProcessorHarness(
      textGuardrail({
        check: (_text, { signal }) =>
          new Promise((resolve) => {
            signal.addEventListener('abort', () => {
              aborted = true;
              resolve({ action: 'allow' });
            });
          }),
      }),
    );
    await harness.start();
    harness.send(say('First sentence. '), say('second half'));
    await settle();
    harness.interrupt();
    await settle();
    expect(aborted).toBe(true);
    harness.send(makeFrame('response.ended', { status: 'interrupted' }));
    await settle();
    expect(spoken(harness)).toEqual([]);
    harness.dispose();
  });
});

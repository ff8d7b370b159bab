import { FrameProcessor, asOperator, fromOperator, makeFrame, pipeline, type Frame, type FrameDirection } from '@voxframe/core';
import { ProcessorHarness, runInVirtualTime, runProcessor } from '@voxframe/core/testing';
import { Subject, bufferCount, filter, map, mergeMap, from } from 'rxjs';
import { text } from './helpers';

describe('metrics', () => {
  class Model extends FrameProcessor {
    protected override process(frame: Frame, direction: FrameDirection): void | Promise<void> {
      if (frame.type === 'text' && frame.role === 'user') {
        this.startTtfb();
        return new Promise<void>((resolve) => {
          this.scheduler.schedule(() => {
            this.stopTtfb('model-x');
            this.push(makeFrame('text', { text: 'reply', role: 'assistant' }));
            this.pushUsage({ inputTokens: 3, outputTokens: 5 }, 'model-x');
            resolve();
          }, 250);
        });
      }
      this.push(frame, direction);
    }
  }

  test('TTFB, processing time of async steps and usage are reported when the start frame enables metrics', async () => {
    await runInVirtualTime(({ scheduler, flush }) => {
      const h = new ProcessorHarness(new Model(), { scheduler });
      void h.start({ enableMetrics: true });
      h.send(text('question'));
      flush();
      const metrics = h.framesOf('metrics').flatMap((m) => m.metrics);
      expect(metrics).toEqual([
        { kind: 'ttfb', processor: 'Model', valueMs: 250, model: 'model-x' },
        { kind: 'usage', processor: 'Model', usage: { inputTokens: 3, outputTokens: 5 }, model: 'model-x' },
      ]);
      return Promise.resolve().then(() => {
        // the processing-time frame follows the promise's settlement
        const after = h.framesOf('metrics').flatMap((m) => m.metrics);
        expect(after.some((m) => m.kind === 'processing')).toBe(true);
        h.dispose();
      });
    });
  });

  test('no TTFB or processing metrics unless enabled', async () => {
    class Quick extends FrameProcessor {
      protected override process(frame: Frame, direction: FrameDirection): Promise<void> {
        this.startTtfb();
        this.stopTtfb();
        this.push(frame, direction);
        return Promise.resolve();
      }
    }
    const out = await runProcessor(new Quick(), { downstream: [text('a')] });
    expect(out.downstream.filter((f) => f.type === 'metrics')).toEqual([]);
  });
});

describe('RxJS bridges', () => {
  test('fromOperator turns an operator into a processor; system frames pass beside it', async () => {
    const pairs = fromOperator(
      (source) =>
        source.pipe(
          filter((f: Frame) => f.type === 'text'),
          bufferCount(2),
          map((batch) => makeFrame('text', { text: batch.map((f) => (f.type === 'text' ? f.text : '')).join('+'), role: 'user' })),
        ),
      { name: 'pairs' },
    );
    const h = new ProcessorHarness(pairs);
    await h.start();
    h.send(text('a'), makeFrame('user.started-speaking', {}), text('b'), text('c'));
    expect(h.downstream.map((f) => (f.type === 'text' ? f.text : f.type))).toEqual(['start', 'user.started-speaking', 'a+b']);
    h.interrupt();
    h.send(text('d'), text('e'));
    // 'c' was flushed with the interruption: the operator was re-subscribed
    expect(h.framesOf('text').map((f) => f.text)).toEqual(['a+b', 'd+e']);
    h.dispose();
  });

  test('fromOperator reports an operator error as an error frame and keeps working', async () => {
    const fragile = fromOperator((source) => source.pipe(mergeMap((f: Frame) => (f.type === 'dtmf' ? from(Promise.reject(new Error('bad digit'))) : [f]))));
    const h = new ProcessorHarness(fragile);
    await h.start();
    h.send(makeFrame('dtmf', { digit: '9' }));
    await h.waitForType('error');
    h.send(text('still alive'));
    expect(h.framesOf('text').map((f) => f.text)).toEqual(['still alive']);
    h.dispose();
  });

  test('asOperator runs a pipeline inside an RxJS pipe', async () => {
    class Exclaim extends FrameProcessor {
      protected override process(frame: Frame, direction: FrameDirection): void {
        this.push(frame.type === 'text' ? makeFrame('text', { text: frame.text + '!', role: frame.role }) : frame, direction);
      }
    }
    const input = new Subject<Frame>();
    const seen: string[] = [];
    input.pipe(asOperator(pipeline(new Exclaim(), new Exclaim()))).subscribe((f) => seen.push(f.type === 'text' ? f.text : f.type));
    input.next(makeFrame('start', { allowInterruptions: true, enableMetrics: false }));
    await Promise.resolve();
    input.next(text('hey'));
    expect(seen).toEqual(['start', 'hey!!']);
  });
});

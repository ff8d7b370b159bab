/**
 * `textGuardrail(...)`: checks the assistant's text before it is spoken. Sits between an LLM (or an S2S model in text
 * mode) and a TTS: assistant `text` frames are held until a sentence (or the whole reply) is complete, then a check
 * decides to let it through, block it (optionally saying a replacement), or rewrite it. Nothing unchecked reaches the
 * TTS. The check may be async (a moderation model); it gets an `AbortSignal` that a barge-in fires, and a timeout
 * whose outcome is the `onTimeout` policy (blocking by default: fail closed).
 *
 * @packageDocumentation
 */
import {
  FrameProcessor,
  VoxframeError,
  defineFrame,
  makeFrame,
  type Frame, type FrameDirection, type FrameOf, type FrameProcessorOptions, type TextFrame } from '@voxframe/core';

/** What the check decided. */
export type GuardrailVerdict =
  | { readonly action: 'allow' }
  /** Drop the text; say `replacement` instead when given. */
  | { readonly action: 'block'; readonly reason: string; readonly replacement?: string }
  /** Say `text` instead. */
  | { readonly action: 'rewrite'; readonly text: string; readonly reason?: string };

/** The check: the text to be spoken and a signal that aborts it (barge-in, timeout). */
export type GuardrailCheck = (text: string, context: { readonly signal: AbortSignal }) => GuardrailVerdict | Promise<GuardrailVerdict>;

/** Reports a block or rewrite (system frame, for logs, dashboards and tests). */
export const GuardrailActionFrame = defineFrame<
  'guardrail.action',
  'system',
  { readonly action: 'block' | 'rewrite'; readonly reason: string; readonly original: string; readonly spoken: string }
>('guardrail.action', 'system');

declare module '@voxframe/core' {
  interface CustomFrames {
    'guardrail.action': FrameOf<typeof GuardrailActionFrame>;
  }
}

/** Options of {@link textGuardrail}. */
export interface TextGuardrailOptions extends FrameProcessorOptions {
  /** The check. */
  readonly check: GuardrailCheck;
  /**
   * `sentence`: check each complete sentence as it arrives (the first words are spoken sooner); `reply`: check the
   * whole reply at the end of the response (stricter, later). @defaultValue `'sentence'`
   */
  readonly unit?: 'sentence' | 'reply';
  /** Bound on one check. @defaultValue `2_000` */
  readonly timeoutMs?: number;
  /** What a check that times out or throws decides. @defaultValue `'block'` */
  readonly onFailure?: 'block' | 'allow';
}

/** Defaults of {@link TextGuardrailOptions}. */
export const textGuardrailDefaults = {
  unit: 'sentence',
  timeoutMs: 2_000,
  onFailure: 'block',
} as const satisfies Omit<TextGuardrailOptions, 'check'>;

/** A sentence ends at `.`, `!`, `?` or `…` (optionally followed by closing quotes or brackets) before white space. */
const SENTENCE_END = /[.!?…]["'”’)\]]*\s+/g;

/** The guardrail processor; create it with {@link textGuardrail}. */
export class TextGuardrail extends FrameProcessor {
  readonly #options: TextGuardrailOptions;
  #pending = '';
  /** The last assistant text frame held, as the template for what is released. */
  #template: TextFrame | undefined;

  constructor(options: TextGuardrailOptions) {
    if (typeof options?.check !== 'function') throw new TypeError('textGuardrail needs a check function: (text, { signal }) => verdict.');
    super({ name: 'guardrail', ...options });
    this.#options = options;
  }

  protected override process(frame: Frame, direction: FrameDirection, signal: AbortSignal): void | Promise<void> {
    if (direction === 'downstream' && frame.type === 'text' && frame.role === 'assistant') {
      this.#pending += frame.text;
      this.#template = frame;
      if ((this.#options.unit ?? textGuardrailDefaults.unit) === 'reply') return;
      const cut = lastSentenceEnd(this.#pending);
      if (cut === 0) return;
      const ready = this.#pending.slice(0, cut);
      this.#pending = this.#pending.slice(cut);
      return this.#releaseEach(splitSentences(ready), signal);
    }
    if (direction === 'downstream' && isReplyEnd(frame) && this.#pending.trim() !== '') {
      const rest = this.#pending;
      this.#pending = '';
      return this.#release(rest, signal).then(() => this.push(frame, direction, signal));
    }
    this.push(frame, direction);
  }

  protected override async onEnd(): Promise<void> {
    if (this.#pending.trim() === '') return;
    const rest = this.#pending;
    this.#pending = '';
    await this.#release(rest, this.signal);
  }

  protected override onInterruption(): void {
    this.#pending = ''; // unspoken and unchecked: gone with the reply
  }

  /** One check per sentence, in order: a blocked sentence must not take its neighbours with it. */
  async #releaseEach(sentences: readonly string[], signal: AbortSignal): Promise<void> {
    for (const sentence of sentences) {
      if (signal.aborted) return;
      await this.#release(sentence, signal);
    }
  }

  async #release(text: string, signal: AbortSignal): Promise<void> {
    const verdict = await this.#verdict(text, signal);
    if (signal.aborted) return;
    const template = this.#template ?? makeFrame('text', { text: '', role: 'assistant' });
    const say = (spoken: string) => {
      if (spoken !== '') this.push(makeFrame('text', { text: spoken, role: 'assistant' }, { ptsMs: template.ptsMs }), 'downstream', signal);
    };
    if (verdict.action === 'allow') {
      say(text);
      return;
    }
    const spoken = verdict.action === 'rewrite' ? verdict.text : (verdict.replacement ?? '');
    const reason = verdict.reason ?? verdict.action;
    this.logger.info({ action: verdict.action, reason, chars: text.length }, 'guardrail changed the assistant text');
    this.push(GuardrailActionFrame.create({ action: verdict.action, reason, original: text, spoken }), 'downstream');
    say(spoken);
  }

  async #verdict(text: string, signal: AbortSignal): Promise<GuardrailVerdict> {
    const timeoutMs = this.#options.timeoutMs ?? textGuardrailDefaults.timeoutMs;
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    let timer: { unsubscribe(): void } | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = this.scheduler.schedule(() => {
        controller.abort(new Error('guardrail check timed out'));
        resolve('timeout');
      }, timeoutMs);
    });
    try {
      const result = await Promise.race([Promise.resolve(this.#options.check(text, { signal: controller.signal })), timedOut]);
      if (result === 'timeout') throw new VoxframeError('guardrail_timeout', `the guardrail check took longer than ${timeoutMs} ms.`, { recoverable: true });
      return result;
    } catch (error) {
      if (signal.aborted) return { action: 'block', reason: 'interrupted' };
      const failure = error instanceof VoxframeError ? error : new VoxframeError('guardrail_failed', `the guardrail check threw: ${error instanceof Error ? error.message : String(error)}`, { recoverable: true, cause: error });
      const policy = this.#options.onFailure ?? textGuardrailDefaults.onFailure;
      this.pushError(failure, false);
      return policy === 'allow' ? { action: 'allow' } : { action: 'block', reason: failure.code };
    } finally {
      timer?.unsubscribe();
      signal.removeEventListener('abort', onAbort);
    }
  }
}

function isReplyEnd(frame: Frame): boolean {
  return frame.type === 'response.ended' || (frame.type === 'turn.end' && frame.role === 'assistant');
}

/** `text` (ending at a sentence end) cut into its sentences, each with its trailing white space. */
function splitSentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  SENTENCE_END.lastIndex = 0;
  for (let match = SENTENCE_END.exec(text); match !== null; match = SENTENCE_END.exec(text)) {
    const end = match.index + match[0].length;
    out.push(text.slice(start, end));
    start = end;
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}

/** Index just past the last sentence end in `text`, or 0. */
function lastSentenceEnd(text: string): number {
  let end = 0;
  SENTENCE_END.lastIndex = 0;
  for (let match = SENTENCE_END.exec(text); match !== null; match = SENTENCE_END.exec(text)) end = match.index + match[0].length;
  return end;
}

/**
 * Checks assistant text before it is spoken: allow, block (with an optional replacement) or rewrite, per sentence or
 * per reply. Place it between the LLM and the TTS.
 *
 * @example
 * ```ts
 * const guard = textGuardrail({
 *   check: (text) => (/\b\d{16}\b/.test(text) ? { action: 'block', reason: 'card number', replacement: 'I cannot read that out.' } : { action: 'allow' }),
 * });
 * pipeline(input, vad, stt, context.user(), llm, guard, tts, pacer, output, context.assistant());
 * ```
 */
export function textGuardrail(options: TextGuardrailOptions): TextGuardrail {
  return new TextGuardrail(options);
}

/**
 * Hooks called by the session itself (`S2SStartOptions.hooks`), for applications that drive a session without the
 * S2S processor: `onTurn` (a user's final transcript; an assistant's response with the text the user heard),
 * `onInterrupt`, `onToolCall`, `onError`. Read off the session's own events, so hooks and events never disagree.
 *
 * @packageDocumentation
 */
import { invokeHook, type HookName, type Hooks, type Logger, type S2SEvent } from '@voxframe/core';

/** Calls the hooks of one session. */
export class SessionHooks {
  readonly #hooks: Hooks;
  readonly #logger: Logger;
  /** Final assistant transcripts (as heard) of the response in progress. */
  #assistantText: string[] = [];

  constructor(hooks: Hooks, logger: Logger) {
    this.#hooks = hooks;
    this.#logger = logger;
  }

  /** Reads one session event. */
  observe(event: S2SEvent): void {
    switch (event.type) {
      case 'response.started':
        this.#assistantText = [];
        return;
      case 'transcript':
        if (!event.final) return;
        if (event.role === 'user') this.#call('onTurn', { role: 'user', text: event.text.trim(), status: 'completed' });
        else if (event.text.trim() !== '') this.#assistantText.push(event.text.trim());
        return;
      case 'turn.end': {
        const text = this.#assistantText.join(' ');
        this.#assistantText = [];
        this.#call('onTurn', { role: 'assistant', text, status: event.status, ...(event.responseId === undefined ? {} : { responseId: event.responseId }) });
        return;
      }
      case 'interrupted':
        this.#call('onInterrupt', {
          reason: 'interrupt',
          ...(event.playedMs === undefined ? {} : { playedMs: event.playedMs }),
          ...(event.utteranceId === undefined ? {} : { utteranceId: event.utteranceId }),
        });
        return;
      case 'tool.call':
        this.#call('onToolCall', { callId: event.callId, name: event.name, arguments: event.arguments });
        return;
      case 'error':
        this.#call('onError', event.error);
        return;
      default:
        return;
    }
  }

  #call<N extends HookName>(name: N, arg: Parameters<NonNullable<Hooks[N]>>[0]): void {
    void invokeHook(this.#hooks, name, arg, (error) => this.#logger.warn({ err: error, hook: name }, 'a session hook failed'));
  }
}

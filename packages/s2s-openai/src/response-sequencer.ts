/**
 * When to send `response.create` (protocol note §6, §10.4): only one response may be active, the model does not
 * continue after tool calls by itself, and several tool calls of one response get one new response after all their
 * results are in. A small state machine with its side effect injected, testable without a socket.
 *
 * @packageDocumentation
 */

/** Tracks the active response, outstanding tool calls and whether a response is wanted. */
export class ResponseSequencer {
  readonly #sendCreate: () => void;
  /** Id of the active response (created, not yet done). */
  #activeId: string | undefined;
  /** We sent `response.create` and its `response.created` has not arrived. */
  #createSent = false;
  /** A response is wanted as soon as nothing blocks it. */
  #wanted = false;
  readonly #pendingCalls = new Set<string>();
  /** No connection to send on (reconnecting, rotating): hold requests. */
  #paused = false;

  constructor(sendCreate: () => void) {
    this.#sendCreate = sendCreate;
  }

  /** The active response id. */
  get activeResponseId(): string | undefined {
    return this.#activeId;
  }

  /** Whether a response is active, requested, or waiting for tool results: the conversation is not at a pause. */
  get busy(): boolean {
    return this.#activeId !== undefined || this.#createSent || this.#wanted || this.#pendingCalls.size > 0;
  }

  /** Tool calls still waiting for their results. */
  get pendingCallIds(): readonly string[] {
    return [...this.#pendingCalls];
  }

  /** Asks for a response: sent now, or once the active response is done and all tool results are in. */
  request(): void {
    this.#wanted = true;
    this.#fire();
  }

  /** `response.created` arrived (ours, or one the service made after server VAD). */
  onResponseCreated(responseId: string): void {
    this.#activeId = responseId;
    this.#createSent = false;
  }

  /** `response.done` arrived. */
  onResponseDone(responseId: string | undefined): void {
    if (responseId === undefined || responseId === this.#activeId) this.#activeId = undefined;
    this.#fire();
  }

  /** The model called a tool; the next response waits for its result. */
  onToolCall(callId: string): void {
    this.#pendingCalls.add(callId);
  }

  /** A tool result was sent; `respond` asks for a response once every pending result is in. */
  onToolResult(callId: string, respond: boolean): void {
    this.#pendingCalls.delete(callId);
    if (respond) this.#wanted = true;
    this.#fire();
  }

  /**
   * Our `response.create` was refused because a response was already active (a server-VAD response raced it,
   * `conversation_already_has_active_response`): try again after that response is done.
   */
  onCreateRefused(): void {
    this.#createSent = false;
    this.#wanted = true;
  }

  /**
   * The connection changed: a response in flight on the old one is gone. Wanted responses and pending tool calls
   * carry over (the calls are re-seeded from the history). Returns whether a response was active or requested.
   */
  onConnectionReset(): boolean {
    const interrupted = this.#activeId !== undefined || this.#createSent;
    this.#activeId = undefined;
    this.#createSent = false;
    return interrupted;
  }

  /** Holds requests while there is no connection to send on. */
  pause(): void {
    this.#paused = true;
  }

  /** Sends a held request if nothing else blocks it. */
  resume(): void {
    this.#paused = false;
    this.#fire();
  }

  #fire(): void {
    if (this.#paused || !this.#wanted || this.#activeId !== undefined || this.#createSent || this.#pendingCalls.size > 0) return;
    this.#wanted = false;
    this.#createSent = true;
    this.#sendCreate();
  }
}

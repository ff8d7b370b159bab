/**
 * An emulated service session: the conversation that survives connections through resumption handles. Handles
 * expire `handleTtlMs` after they were issued (the service keeps them 2 hours after the session ended).
 *
 * @packageDocumentation
 */
import type { EmulatedConnection } from './emulated-connection';
import type { ReceivedToolResponse, ScriptedTurn, TurnScript } from './script';

/** One entry of the emulated conversation. */
export interface EmulatedTurn {
  readonly role: string;
  readonly text: string;
}

/** A session across its connections. */
export class EmulatedSession {
  readonly id: string;
  /** The conversation the emulated model remembers (user inputs, seeded history, its own turns). */
  readonly history: EmulatedTurn[] = [];
  /** Connections that served this session, oldest first. */
  readonly connections: EmulatedConnection[] = [];
  /** User audio samples received over all its connections. */
  inputSamples = 0;
  /** Model turns interrupted by the user. */
  interruptions = 0;
  #turnIndex = 0;
  #callCounter = 0;
  #handleCounter = 0;
  readonly #script: () => TurnScript | undefined;
  readonly #registerHandle: (handle: string, session: EmulatedSession) => void;

  /** Created by the emulator for a setup without a (valid) handle. */
  constructor(id: string, script: () => TurnScript | undefined, registerHandle: (handle: string, session: EmulatedSession) => void) {
    this.id = id;
    this.#script = script;
    this.#registerHandle = registerHandle;
  }

  /** The connection serving it now. */
  get connection(): EmulatedConnection | undefined {
    const last = this.connections[this.connections.length - 1];
    return last !== undefined && !last.closed ? last : undefined;
  }

  /** A connection now serves the session (fresh or resumed). */
  attach(connection: EmulatedConnection): void {
    this.connections.push(connection);
  }

  /** A connection closed. */
  detach(_connection: EmulatedConnection): void {
    // Connections stay listed for inspection; the session lives on for its handles.
  }

  /** Counts user audio samples. */
  addInput(samples: number): void {
    this.inputSamples += samples;
  }

  /** The user's input (transcript or text) joins the conversation. */
  addUserText(text: string): void {
    if (text !== '') this.history.push({ role: 'user', text });
  }

  /** A `clientContent` turn joins the conversation. */
  addHistory(role: string, text: string): void {
    if (text !== '') this.history.push({ role, text });
  }

  /** The model's turn joins the conversation (what it generated, not what was heard: no truncation on Gemini). */
  recordModelTurn(text: string): void {
    this.history.push({ role: 'model', text });
  }

  /** Counts a barge-in. */
  recordInterruption(): void {
    this.interruptions += 1;
  }

  /** The next scripted turn. */
  nextTurn(userText: string, toolResponses: readonly ReceivedToolResponse[]): ScriptedTurn {
    const script = this.#script();
    const turn = script === undefined ? { say: 'OK.' } : script({ userText, toolResponses, turnIndex: this.#turnIndex });
    this.#turnIndex += 1;
    return turn;
  }

  /** A fresh function call id. */
  newCallId(): string {
    this.#callCounter += 1;
    return `function-call-${this.id}-${this.#callCounter}`;
  }

  /** A new resumption handle for the session's current state. */
  issueHandle(): string {
    this.#handleCounter += 1;
    const handle = `handle-${this.id}-${this.#handleCounter}`;
    this.#registerHandle(handle, this);
    return handle;
  }
}

/**
 * Scripting the emulator's answers: for each model turn, what the "model" does — speak a transcript with some
 * audio, or call tools — so agents can be tested offline and deterministically.
 *
 * ```ts
 * emulator.script = scriptedReplies(
 *   { toolCalls: [{ name: 'get_weather', args: { city: 'Paris' } }] },
 *   (ctx) => ({ say: `It is ${ctx.toolResponses[0].response.output.temp} degrees.` }),
 * );
 * ```
 *
 * @packageDocumentation
 */

/** A tool call the scripted model makes. */
export interface ScriptedToolCall {
  readonly name: string;
  readonly args?: Record<string, unknown>;
  /** Call id. @defaultValue a fresh `function-call-…` id */
  readonly id?: string;
}

/** What the scripted model does in one turn. */
export interface ScriptedTurn {
  /** What it says (its output transcription, or its text in TEXT sessions). @defaultValue `'OK.'` unless tool calls are given */
  readonly say?: string;
  /** Length of the generated audio. @defaultValue 60 ms per character of `say`, at least 200 ms */
  readonly audioMs?: number;
  /** Tool calls, made instead of speaking; the turn continues with the next script step once all are answered. */
  readonly toolCalls?: readonly ScriptedToolCall[];
}

/** A function response the emulator received. */
export interface ReceivedToolResponse {
  readonly id: string;
  readonly name: string;
  readonly response: Record<string, unknown>;
}

/** What a script sees when asked for the next turn. */
export interface ScriptContext {
  /** The user's latest input: the transcript of their speech, or their text. */
  readonly userText: string;
  /** Tool responses received for the previous step's calls. */
  readonly toolResponses: readonly ReceivedToolResponse[];
  /** Model turns produced so far in this emulated session. */
  readonly turnIndex: number;
}

/** Decides each model turn. */
export type TurnScript = (context: ScriptContext) => ScriptedTurn;

/** A script from a list of steps used in order; the last one repeats. */
export function scriptedReplies(...steps: readonly (ScriptedTurn | TurnScript)[]): TurnScript {
  let next = 0;
  return (context) => {
    const step = steps[Math.min(next, steps.length - 1)] ?? { say: 'OK.' };
    next += 1;
    return typeof step === 'function' ? step(context) : step;
  };
}

/** Audio length of a scripted turn, ms. */
export function scriptedAudioMs(turn: ScriptedTurn, say: string): number {
  return turn.audioMs ?? Math.max(200, say.length * 60);
}

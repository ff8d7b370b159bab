/**
 * What the emulated model answers: scripted replies, one per user turn, across all the emulator's streams (so a
 * conversation continues after a reconnect).
 *
 * @packageDocumentation
 */

/** A tool the scripted model calls. */
export interface ScriptedToolUse {
  readonly name: string;
  /** The arguments (JSON-encoded on the wire). */
  readonly input: unknown;
}

/** One scripted reply. */
export interface NovaReply {
  /** What the model says (the SPECULATIVE and FINAL text; the audio is a tone of `audioMs`). @defaultValue `'OK.'` */
  readonly say?: string;
  /** Length of the spoken audio. @defaultValue 60 ms per character of `say`, at least 200 ms */
  readonly audioMs?: number;
  /** Call a tool first; the reply after its result is the script's next one. */
  readonly toolUse?: ScriptedToolUse;
}

/** What a script sees when it answers. */
export interface ReplyContext {
  /** 0-based index of this reply across the emulator. */
  readonly index: number;
  /** What the user said this turn (their transcript or typed text), or `undefined` after a tool result. */
  readonly userText: string | undefined;
  /** Tool results the model got since its last reply. */
  readonly toolResults: readonly { readonly toolUseId: string; readonly content: string }[];
  /** The history replayed at the start of this stream. */
  readonly history: readonly { readonly role: string; readonly text: string }[];
}

/** A script: answers each turn. */
export type NovaScript = (context: ReplyContext) => NovaReply;

/** Plays `replies` in order (functions are called with the context), then says "OK." to anything. */
export function scriptedReplies(...replies: (NovaReply | ((context: ReplyContext) => NovaReply))[]): NovaScript {
  return (context) => {
    const reply = replies[context.index];
    if (reply === undefined) return { say: 'OK.' };
    return typeof reply === 'function' ? reply(context) : reply;
  };
}

/** A sine tone, PCM16 mono: the emulator's "speech", and test input (loud enough for its VAD). */
export function tone(durationMs: number, sampleRate: number, frequency = 220, amplitude = 6000): Int16Array {
  const samples = new Int16Array(Math.round((durationMs * sampleRate) / 1000));
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate));
  return samples;
}

/** Splits samples into frames of `frameMs`. */
export function* frames(samples: Int16Array, frameMs: number, sampleRate: number): Generator<Int16Array> {
  const size = Math.round((frameMs * sampleRate) / 1000);
  for (let i = 0; i < samples.length; i += size) yield samples.subarray(i, Math.min(samples.length, i + size));
}

/**
 * Scripting the emulator's answers: for each response the service would generate, a script says what the
 * "model" does — speak a transcript with some audio, write text, call tools — so agents can be tested offline and
 * deterministically.
 *
 * ```ts
 * const emulator = await RealtimeEmulator.start({
 *   script: scriptedReplies(
 *     { toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] },
 *     (ctx) => ({ say: `It is ${JSON.parse(ctx.toolOutputs[0].output).temp} degrees.` }),
 *   ),
 * });
 * ```
 *
 * @packageDocumentation
 */

/** A tool call the scripted model makes. */
export interface ScriptedToolCall {
  /** Tool name. */
  readonly name: string;
  /** Arguments: an object (serialized as JSON) or the JSON text itself. */
  readonly arguments: unknown;
  /** Call id. @defaultValue a fresh `call_…` id */
  readonly callId?: string;
}

/** What the scripted model does in one response. */
export interface ScriptedResponse {
  /**
   * What it says: the transcript of its audio (audio sessions) or its text (text sessions).
   * @defaultValue no message when tool calls are given, else `'OK.'`
   */
  readonly say?: string;
  /** Length of the generated audio. @defaultValue 60 ms per character of `say`, at least 200 ms */
  readonly audioMs?: number;
  /** The exact audio to send, PCM16 at 24 kHz (encoded to G.711 at 8 kHz for G.711 sessions by decimation). */
  readonly audio?: Int16Array;
  /** Tool calls, after the message (if any). */
  readonly toolCalls?: readonly ScriptedToolCall[];
  /** How the response ends when nothing interrupts it. @defaultValue `'completed'` */
  readonly status?: 'completed' | 'incomplete' | 'failed';
  /** Pause between output deltas for this response, ms (overrides the emulator's `deltaIntervalMs`). */
  readonly deltaIntervalMs?: number;
}

/** A conversation item as the emulator keeps it (no audio bytes). */
export interface EmulatedItem {
  readonly id: string;
  readonly type: 'message' | 'function_call' | 'function_call_output';
  readonly role?: 'user' | 'assistant' | 'system';
  /** Text of a message: typed text, the user's transcript, or the assistant's (truncated) transcript. */
  text: string;
  /** Audio length of a user or assistant audio message, ms (after truncation for assistant items). */
  audioMs: number;
  readonly name?: string;
  readonly callId?: string;
  readonly arguments?: string;
  readonly output?: string;
  status: 'in_progress' | 'completed' | 'incomplete';
}

/** What a script sees when the emulator needs a response. */
export interface ScriptContext {
  /** 0-based index of this response in the session. */
  readonly responseIndex: number;
  /** Why the response is generated: server VAD at the end of a user turn, or the client's `response.create`. */
  readonly trigger: 'server_vad' | 'response.create';
  /** The conversation so far, oldest first. */
  readonly items: readonly EmulatedItem[];
  /** The latest user message (text or transcribed audio), if any. */
  readonly lastUserItem?: EmulatedItem;
  /** Tool results added since the previous response. */
  readonly toolOutputs: readonly { readonly callId: string; readonly output: string }[];
  /** Names of the tools the session has. */
  readonly toolNames: readonly string[];
}

/** Decides each response. Returning `undefined` gives the default answer (`say: 'OK.'`). */
export type ResponseScript = (context: ScriptContext) => ScriptedResponse | undefined;

/** A script that answers with the given responses in order (a function entry is called with the context), then `'OK.'`. */
export function scriptedReplies(...replies: readonly (ScriptedResponse | ResponseScript)[]): ResponseScript {
  let next = 0;
  return (context) => {
    const reply = replies[next];
    if (reply === undefined) return undefined;
    next += 1;
    return typeof reply === 'function' ? reply(context) : reply;
  };
}

/** Milliseconds of audio for a scripted response. */
export function scriptedAudioMs(response: ScriptedResponse, transcript: string): number {
  if (response.audio !== undefined) return (response.audio.length / 24000) * 1000;
  return response.audioMs ?? Math.max(200, transcript.length * 60);
}

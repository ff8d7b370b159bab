/**
 * The emulator's session configuration: the GA defaults the service reports in `session.created` (protocol note
 * §2.1), and partial updates applied the way the service applies them (§2: only fields present change; `null`
 * turns turn detection off; `model` is immutable; the voice is fixed once audio was produced).
 *
 * @packageDocumentation
 */
import type { ClientEventIssue } from './client-event-check';

/** Audio format of the session. */
export type EmulatorAudioFormat = { type: 'audio/pcm'; rate: 24000 } | { type: 'audio/pcmu' } | { type: 'audio/pcma' };

/** Turn detection of the session. */
export type EmulatorTurnDetection =
  | {
      type: 'server_vad';
      threshold: number;
      prefix_padding_ms: number;
      silence_duration_ms: number;
      idle_timeout_ms: number | null;
      create_response: boolean;
      interrupt_response: boolean;
    }
  | { type: 'semantic_vad'; eagerness: 'low' | 'medium' | 'high' | 'auto'; create_response: boolean; interrupt_response: boolean };

/** The full session object, as `session.created` / `session.updated` carry it. */
export interface EmulatorSessionConfig {
  type: 'realtime';
  object: 'realtime.session';
  id: string;
  model: string;
  output_modalities: ('audio' | 'text')[];
  instructions: string;
  tools: Record<string, unknown>[];
  tool_choice: unknown;
  max_output_tokens: number | 'inf';
  tracing: null;
  prompt: null;
  truncation: unknown;
  expires_at: number;
  include: null;
  audio: {
    input: {
      format: EmulatorAudioFormat;
      transcription: Record<string, unknown> | null;
      noise_reduction: Record<string, unknown> | null;
      turn_detection: EmulatorTurnDetection | null;
    };
    output: { format: EmulatorAudioFormat; voice: string | { id: string }; speed: number };
  };
}

/** The default instructions the emulator reports (the service reports a long default persona). */
const DEFAULT_INSTRUCTIONS = 'You are a helpful, witty, and friendly AI. Act like a human, but remember that you are not a human.';

/** A fresh session with the service's GA defaults. */
export function defaultSessionConfig(id: string, model: string, expiresAt: number): EmulatorSessionConfig {
  return {
    type: 'realtime',
    object: 'realtime.session',
    id,
    model,
    output_modalities: ['audio'],
    instructions: DEFAULT_INSTRUCTIONS,
    tools: [],
    tool_choice: 'auto',
    max_output_tokens: 'inf',
    tracing: null,
    prompt: null,
    truncation: 'auto',
    expires_at: expiresAt,
    include: null,
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: 24000 },
        transcription: null,
        noise_reduction: null,
        turn_detection: serverVadDefaults(),
      },
      output: { format: { type: 'audio/pcm', rate: 24000 }, voice: 'marin', speed: 1 },
    },
  };
}

function serverVadDefaults(): EmulatorTurnDetection {
  return {
    type: 'server_vad',
    threshold: 0.5,
    prefix_padding_ms: 300,
    silence_duration_ms: 200,
    idle_timeout_ms: null,
    create_response: true,
    interrupt_response: true,
  };
}

type Json = Record<string, unknown>;

/**
 * Applies a GA `session.update` to the session in place. Returns the first problem instead (nothing changes then).
 * `audioProduced` says whether the model already spoke (the voice is then fixed).
 */
export function applySessionUpdate(session: EmulatorSessionConfig, update: Json, audioProduced: boolean): ClientEventIssue | undefined {
  if (update.type !== 'realtime') {
    return { code: 'invalid_value', param: 'session.type', message: "The emulator supports realtime sessions only: session.type must be 'realtime'." };
  }
  if (update.model !== undefined && update.model !== session.model) {
    return { code: 'invalid_value', param: 'session.model', message: "A session's model cannot be changed." };
  }
  const next: EmulatorSessionConfig = structuredClone(session);
  if (update.output_modalities !== undefined) {
    const m = update.output_modalities;
    if (!Array.isArray(m) || m.length !== 1 || (m[0] !== 'audio' && m[0] !== 'text')) {
      return { code: 'invalid_value', param: 'session.output_modalities', message: "output_modalities must be ['audio'] or ['text']." };
    }
    next.output_modalities = [m[0]];
  }
  if (update.instructions !== undefined) next.instructions = String(update.instructions);
  if (update.tools !== undefined) next.tools = update.tools as Json[];
  if (update.tool_choice !== undefined) next.tool_choice = update.tool_choice;
  if (update.truncation !== undefined) next.truncation = update.truncation;
  if (update.max_output_tokens !== undefined) {
    const tokens = update.max_output_tokens;
    if (tokens !== 'inf' && !(typeof tokens === 'number' && Number.isInteger(tokens) && tokens >= 1 && tokens <= 4096)) {
      return { code: 'invalid_value', param: 'session.max_output_tokens', message: "max_output_tokens must be an integer from 1 to 4096 or 'inf'." };
    }
    next.max_output_tokens = tokens;
  }
  const audio = update.audio as { input?: Json; output?: Json } | undefined;
  const issue = applyAudio(next, audio, audioProduced);
  if (issue) return issue;
  Object.assign(session, next);
  return undefined;
}

function applyAudio(next: EmulatorSessionConfig, audio: { input?: Json; output?: Json } | undefined, audioProduced: boolean): ClientEventIssue | undefined {
  const input = audio?.input;
  if (input !== undefined) {
    if (input.format !== undefined) {
      const format = parseFormat(input.format, 'session.audio.input.format');
      if ('code' in format) return format;
      next.audio.input.format = format;
    }
    if (input.transcription !== undefined) next.audio.input.transcription = input.transcription as Json | null;
    if (input.noise_reduction !== undefined) next.audio.input.noise_reduction = input.noise_reduction as Json | null;
    if (input.turn_detection !== undefined) {
      const td = input.turn_detection as Json | null;
      if (td === null) next.audio.input.turn_detection = null;
      else if (td.type === 'server_vad') next.audio.input.turn_detection = { ...serverVadDefaults(), ...td } as EmulatorTurnDetection;
      else if (td.type === 'semantic_vad') {
        next.audio.input.turn_detection = { eagerness: 'auto', create_response: true, interrupt_response: true, ...td } as EmulatorTurnDetection;
      } else return { code: 'invalid_value', param: 'session.audio.input.turn_detection.type', message: "turn_detection.type must be 'server_vad' or 'semantic_vad'." };
    }
  }
  const output = audio?.output;
  if (output !== undefined) {
    if (output.format !== undefined) {
      const format = parseFormat(output.format, 'session.audio.output.format');
      if ('code' in format) return format;
      next.audio.output.format = format;
    }
    if (output.voice !== undefined) {
      if (audioProduced && JSON.stringify(output.voice) !== JSON.stringify(next.audio.output.voice)) {
        return { code: 'invalid_value', param: 'session.audio.output.voice', message: "Cannot update a conversation's voice if assistant audio is present." };
      }
      next.audio.output.voice = output.voice as string | { id: string };
    }
    if (output.speed !== undefined) {
      const speed = output.speed;
      if (typeof speed !== 'number' || speed < 0.25 || speed > 1.5) {
        return { code: 'invalid_value', param: 'session.audio.output.speed', message: 'speed must be from 0.25 to 1.5.' };
      }
      next.audio.output.speed = speed;
    }
  }
  return undefined;
}

function parseFormat(value: unknown, param: string): EmulatorAudioFormat | ClientEventIssue {
  const format = value as Json;
  if (format?.type === 'audio/pcmu' || format?.type === 'audio/pcma') return { type: format.type };
  if (format?.type === 'audio/pcm' && (format.rate === undefined || format.rate === 24000)) return { type: 'audio/pcm', rate: 24000 };
  return { code: 'invalid_value', param, message: "format must be {type:'audio/pcm', rate:24000}, {type:'audio/pcmu'} or {type:'audio/pcma'}." };
}

/** Output sample rate of a format. */
export function formatRate(format: EmulatorAudioFormat): number {
  return format.type === 'audio/pcm' ? 24000 : 8000;
}

/** Silence that ends a turn: the configured value for server VAD, a fixed wait per eagerness for semantic VAD. */
export function turnSilenceMs(td: EmulatorTurnDetection): number {
  if (td.type === 'server_vad') return td.silence_duration_ms;
  return { low: 1500, medium: 800, auto: 800, high: 400 }[td.eagerness];
}

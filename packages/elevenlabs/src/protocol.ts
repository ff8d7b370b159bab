/**
 * Messages of ElevenLabs' multi-context TTS WebSocket (`/v1/text-to-speech/{voice_id}/multi-stream-input`), as the
 * API reference and the multi-context guide describe them. Client messages name the context `context_id`; server
 * messages name it `contextId`. The service marks a context's end with `isFinal` (the published SDK types spell it
 * `is_final`; both are read).
 *
 * @packageDocumentation
 */

/** Character timings of one audio chunk, relative to the start of that chunk. */
export interface WireAlignment {
  readonly chars?: readonly string[];
  readonly charStartTimesMs?: readonly number[];
  readonly charDurationsMs?: readonly number[];
}

/** What the client sends. */
export type WireClientMessage =
  /** Text for a context; the first message of a context opens it and carries its settings. */
  | {
      readonly text: string;
      readonly context_id: string;
      readonly flush?: boolean;
      readonly voice_settings?: { stability?: number; similarity_boost?: number; style?: number; use_speaker_boost?: boolean; speed?: number };
      readonly generation_config?: { chunk_length_schedule?: number[] };
    }
  /** Generate whatever is buffered now. */
  | { readonly context_id: string; readonly text: ''; readonly flush: true }
  /** Close a context (after a flush, once the flushed audio is out). */
  | { readonly context_id: string; readonly close_context: true }
  /** Close every context and the connection. */
  | { readonly close_socket: true };

/** What the service sends. */
export interface WireServerMessage {
  /** Base64 PCM16 little-endian at the output rate. */
  readonly audio?: string | null;
  readonly isFinal?: boolean | null;
  readonly is_final?: boolean | null;
  readonly alignment?: WireAlignment | null;
  readonly normalizedAlignment?: WireAlignment | null;
  readonly contextId?: string;
  /** Error messages: `{ message, error, code }`. */
  readonly message?: string;
  readonly error?: string;
  readonly code?: number;
}

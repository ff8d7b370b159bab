/**
 * S2S events -> frames. Pure: the processor decides when to push them and what else an event triggers.
 *
 * @packageDocumentation
 */
import { makeFrame, type OutputAudioFrame, type ResponseEndedFrame, type S2SEvent, type TextFrame, type ToolCallFrame, type TranscriptFrame, type TurnEndFrame } from '@voxframe/core';

type EventOf<T extends S2SEvent['type']> = Extract<S2SEvent, { type: T }>;

/**
 * Assistant audio at the provider's true rate (never re-stamped), mono, keeping the utterance id the playback
 * clock refers to. `ptsMs` is the start of the chunk on the session's output timeline.
 */
export function outputAudioFrame(event: EventOf<'audio'>, ptsMs: number): OutputAudioFrame {
  return makeFrame(
    'audio.output',
    {
      samples: event.samples,
      sampleRate: event.sampleRate,
      channels: 1,
      ...(event.utteranceId === undefined ? {} : { utteranceId: event.utteranceId }),
    },
    { ptsMs },
  );
}

/** Assistant text output (a delta). */
export function assistantTextFrame(event: EventOf<'text'>): TextFrame {
  return makeFrame('text', { text: event.text, role: 'assistant' });
}

/** A user or assistant transcript, partial or final, as the provider sent it. */
export function transcriptFrame(event: EventOf<'transcript'>): TranscriptFrame {
  return makeFrame('transcript', {
    role: event.role,
    text: event.text,
    final: event.final,
    ...(event.utteranceId === undefined ? {} : { itemId: event.utteranceId }),
  });
}

/** The model's tool call, for observers and downstream processors (the processor runs it itself). */
export function toolCallFrame(event: EventOf<'tool.call'>): ToolCallFrame {
  return makeFrame('tool.call', { callId: event.callId, name: event.name, arguments: event.arguments });
}

/** The end of the assistant's turn: a `turn.end` (role assistant) and a `response.ended`, in that order. */
export function assistantTurnEndFrames(
  status: EventOf<'turn.end'>['status'],
  responseId: string | undefined,
  utteranceId: string | undefined,
): [TurnEndFrame, ResponseEndedFrame] {
  return [
    makeFrame('turn.end', { role: 'assistant', status, ...(utteranceId === undefined ? {} : { utteranceId }) }),
    makeFrame('response.ended', { status, ...(responseId === undefined ? {} : { responseId }) }),
  ];
}

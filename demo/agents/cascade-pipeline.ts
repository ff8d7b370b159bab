/**
 * The cascade agent's pipeline middle: local Silero VAD (turns and barge-in), STT (per-turn transcriptions), the
 * conversation context, the LLM (chat completions, with a clock tool), TTS (streamed PCM) and the output pacer, all
 * on OpenAI-compatible endpoints. Each stage's latency goes out as `metrics` frames (`latency`: `stt.final`,
 * `llm.ttft`, `tts.first-audio`, `voice-to-voice`) for observers and transports to show.
 *
 * @packageDocumentation
 */
import { pipeline, type FrameNode, type LlmService, type SttService, type TtsService } from '@voxframe/core';
import { createOpenAiLlm, createOpenAiStt, createOpenAiTts } from '@voxframe/openai';
import { contextAggregator, defineTool, llmProcessor, outputPacer, sileroVad, sttProcessor, ttsProcessor, type SwitcherBranch } from '@voxframe/processors';

export interface CascadeAgentOptions {
  /** OpenAI key, for the stages not given in `services`. */
  readonly apiKey?: string;
  /** An OpenAI-compatible HTTP endpoint (`https://api.groq.com/openai/v1`, the local emulator's `baseURL`). */
  readonly baseURL?: string;
  /** @defaultValue `'gpt-4.1-mini'` */
  readonly model?: string;
  /** Services from other vendors (Deepgram, Anthropic, Bedrock, ElevenLabs), replacing the OpenAI ones stage by stage. */
  readonly services?: { readonly stt?: SttService; readonly llm?: LlmService; readonly tts?: TtsService };
}

const SYSTEM_PROMPT =
  'You are the voxframe demo assistant, speaking through a text-to-speech voice. Keep answers short and friendly: ' +
  'one or two sentences, no lists or markdown. If the user interrupts you, stop and listen.';

const clock = defineTool({
  name: 'get_time',
  description: 'The current time, as an ISO 8601 string.',
  parameters: { type: 'object', properties: {} },
  handler: () => ({ now: new Date().toISOString() }),
});

/**
 * The cascade's model part alone, as a `serviceSwitcher` branch named `cascade`: STT, the context's user side, LLM,
 * TTS and the context's assistant side (inside the branch, before the shared pacer).
 */
export function cascadeBranch(options: CascadeAgentOptions): SwitcherBranch {
  const service = { apiKey: options.apiKey, ...(options.baseURL ? { baseURL: options.baseURL } : {}) };
  const context = contextAggregator({ systemPrompt: SYSTEM_PROMPT });
  const node = pipeline(
    sttProcessor({ stt: options.services?.stt ?? createOpenAiStt(service) }),
    context.user(),
    llmProcessor({ llm: options.services?.llm ?? createOpenAiLlm({ ...service, model: options.model ?? 'gpt-4.1-mini' }), tools: [clock] }),
    ttsProcessor({ tts: options.services?.tts ?? createOpenAiTts({ ...service, voice: 'coral' }) }),
    context.assistant(),
  );
  return { name: 'cascade', node, conversation: () => context.messages };
}

export function cascadePipeline(options: CascadeAgentOptions): FrameNode[] {
  const service = { apiKey: options.apiKey, ...(options.baseURL ? { baseURL: options.baseURL } : {}) };
  const context = contextAggregator({ systemPrompt: SYSTEM_PROMPT });
  return [
    sileroVad({ minSilenceMs: 500 }),
    sttProcessor({ stt: options.services?.stt ?? createOpenAiStt(service) }),
    context.user(),
    llmProcessor({ llm: options.services?.llm ?? createOpenAiLlm({ ...service, model: options.model ?? 'gpt-4.1-mini' }), tools: [clock] }),
    ttsProcessor({ tts: options.services?.tts ?? createOpenAiTts({ ...service, voice: 'coral' }) }),
    outputPacer({ chunkMs: 20 }),
    // After the pacer: it sees each reply as released; the playback clock reaches it through context.user().
    context.assistant(),
  ];
}

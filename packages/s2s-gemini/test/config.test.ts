/**
 * Configuration: registration on import, the API key chain, the endpoint derived from `base_url` the way
 * `@google/genai` derives it, typed `extra` (a misspelt key fails to compile), and typed errors for bad settings.
 */
import { MissingApiKeyError, S2SConfigError, createS2S, listS2S } from '@voxframe/core';
import { DEFAULT_GEMINI_LIVE_MODEL, GeminiLive, resolveGeminiConfig } from '@voxframe/s2s-gemini';
import { buildSetup } from '../src/setup';

const env = {};

describe('gemini_live config', () => {
  it('registers gemini_live on import', () => {
    expect(listS2S()).toContain('gemini_live');
    const engine = createS2S('gemini_live', { extra: { api_key: 'k' } });
    expect(engine).toBeInstanceOf(GeminiLive);
    expect(engine.audioFormat).toEqual({ inputSampleRate: 16000, outputSampleRate: 24000 });
    expect(engine.capabilities).toMatchObject({ serverVad: true, manualTurns: true, resumption: true, toolCancellation: true, truncation: false });
  });

  it('takes the key from extra.api_key, then GEMINI_API_KEY, then GOOGLE_API_KEY; none is a typed error', () => {
    expect(resolveGeminiConfig({ extra: { api_key: 'a' } }, { GEMINI_API_KEY: 'b' }).apiKey).toBe('a');
    expect(resolveGeminiConfig({}, { GEMINI_API_KEY: 'b', GOOGLE_API_KEY: 'c' }).apiKey).toBe('b');
    expect(resolveGeminiConfig({}, { GOOGLE_API_KEY: 'c' }).apiKey).toBe('c');
    expect(() => resolveGeminiConfig({}, env)).toThrow(MissingApiKeyError);
    expect(() => resolveGeminiConfig({}, env)).toThrow(/GEMINI_API_KEY \(or GOOGLE_API_KEY\)/);
    try {
      resolveGeminiConfig({}, env);
    } catch (error) {
      expect(error).toMatchObject({ code: 'missing_api_key', recoverable: false });
    }
  });

  it('derives the WebSocket URL from base_url like @google/genai (http -> ws, https -> wss) with api_version', () => {
    expect(resolveGeminiConfig({ extra: { api_key: 'k 1' } }, env).url).toBe(
      'wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent?key=k%201',
    );
    expect(resolveGeminiConfig({ extra: { api_key: 'k', base_url: 'http://127.0.0.1:8080/', api_version: 'v1alpha' } }, env).url).toBe(
      'ws://127.0.0.1:8080/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContent?key=k',
    );
    expect(resolveGeminiConfig({ extra: { api_key: 'auth_tokens/abc', api_version: 'v1alpha' } }, env).url).toMatch(/BidiGenerateContentConstrained\?access_token=auth_tokens%2Fabc$/);
    expect(resolveGeminiConfig({ extra: { api_key: 'k' } }, env).model).toBe(DEFAULT_GEMINI_LIVE_MODEL);
  });

  it('bad settings are typed errors that name the field', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ base_url: 'ftp://x' }, /extra\.base_url must be http/],
      [{ base_url: 'not a url' }, /is not a URL/],
      [{ api_version: 'v2' }, /extra\.api_version must be one of/],
      [{ turn_detection: 'semantic' }, /extra\.turn_detection/],
      [{ vad_silence_duration_ms: -1 }, /extra\.vad_silence_duration_ms must be an integer/],
      [{ reconnect_attempts: 1.5 }, /extra\.reconnect_attempts/],
      [{ input_transcription: 'yes' }, /extra\.input_transcription must be true or false/],
      [{ apikey: 'x' }, /unknown setting extra\.apikey/],
      [{ scheduler: {} }, /extra\.scheduler must be an rxjs SchedulerLike/],
    ];
    for (const [extra, message] of bad) {
      expect(() => resolveGeminiConfig({ extra: { api_key: 'k', ...extra } }, env)).toThrow(S2SConfigError);
      expect(() => resolveGeminiConfig({ extra: { api_key: 'k', ...extra } }, env)).toThrow(message);
    }
    expect(() => resolveGeminiConfig({ model: 'gemini-2.0-flash-live-001', extra: { api_key: 'k' } }, env)).toThrow(/retired/);
    expect(() => resolveGeminiConfig({ temperature: 3, extra: { api_key: 'k' } }, env)).toThrow(/temperature/);
    expect(() => createS2S('gemini_live', { tools: [{ name: 'bad name!', parameters: { type: 'object' } }], extra: { api_key: 'k' } })).toThrow(S2SConfigError);
  });

  it('types extra for createS2S("gemini_live") so a misspelt key fails to compile', () => {
    // @ts-expect-error `apikey` is not a gemini_live setting
    expect(() => createS2S('gemini_live', { extra: { apikey: 'k' } })).toThrow(S2SConfigError);
    // @ts-expect-error turn_detection takes 'server_vad' | 'manual'
    expect(() => createS2S('gemini_live', { extra: { api_key: 'k', turn_detection: 'semantic_vad' } })).toThrow(S2SConfigError);
    expect(createS2S('gemini_live', { extra: { api_key: 'k', turn_detection: 'manual' } }).capabilities.serverVad).toBe(false);
  });
});

describe('setup', () => {
  const tool = { name: 'f', parameters: { type: 'object' as const } };

  it('maps every knob to its setup field', () => {
    const config = resolveGeminiConfig(
      {
        voice: 'Puck',
        temperature: 0.3,
        tools: [tool],
        extra: {
          api_key: 'k',
          response_modality: 'text',
          max_output_tokens: 500,
          vad_start_sensitivity: 'low',
          vad_end_sensitivity: 'high',
          vad_prefix_padding_ms: 40,
          vad_silence_duration_ms: 800,
          interrupt_on_speech: false,
          input_transcription: false,
          output_transcription: false,
          compression_trigger_tokens: 25_000,
          compression_target_tokens: 12_500,
          tool_behavior: 'blocking',
        },
      },
      env,
    );
    expect(buildSetup(config, { instructions: 'x', tools: [tool], handle: 'h1', seedHistory: false })).toEqual({
      model: 'models/gemini-3.8-live',
      generationConfig: { responseModalities: ['TEXT'], speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Puck' } } }, temperature: 0.3, maxOutputTokens: 500 },
      realtimeInputConfig: {
        automaticActivityDetection: { startOfSpeechSensitivity: 'START_SENSITIVITY_LOW', endOfSpeechSensitivity: 'END_SENSITIVITY_HIGH', prefixPaddingMs: 40, silenceDurationMs: 800 },
        activityHandling: 'NO_INTERRUPTION',
      },
      systemInstruction: { parts: [{ text: 'x' }] },
      tools: [{ functionDeclarations: [{ name: 'f', parametersJsonSchema: { type: 'object' }, behavior: 'BLOCKING' }] }],
      sessionResumption: { handle: 'h1' },
      contextWindowCompression: { triggerTokens: '25000', slidingWindow: { targetTokens: '12500' } },
    });
  });

  it('sends no NON_BLOCKING to a 3.1 model (synchronous tools only), and omits resumption and compression when off', () => {
    const config = resolveGeminiConfig(
      { model: 'gemini-3.1-flash-live-preview', tools: [tool], extra: { api_key: 'k', tool_behavior: 'non_blocking', session_resumption: false, context_compression: false, turn_detection: 'manual' } },
      env,
    );
    const setup = buildSetup(config, { tools: [tool], seedHistory: true });
    expect(setup.tools).toEqual([{ functionDeclarations: [{ name: 'f', parametersJsonSchema: { type: 'object' } }] }]);
    expect(setup.sessionResumption).toBeUndefined();
    expect(setup.contextWindowCompression).toBeUndefined();
    expect(setup.realtimeInputConfig?.automaticActivityDetection).toEqual({ disabled: true });
    expect(setup.historyConfig).toEqual({ initialHistoryInClientContent: true });
  });
});

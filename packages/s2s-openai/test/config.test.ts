import { MissingApiKeyError, S2SConfigError, createS2S, listS2S } from '@voxframe/core';
import {
  DEFAULT_OPENAI_REALTIME_MODEL,
  OpenAIRealtime,
  openAIRealtimeDefaults,
  resolveOpenAIConfig,
} from '@voxframe/s2s-openai';

const key = { api_key: 'sk-test' };

describe('openai_realtime configuration', () => {
  it('registers itself on import', () => {
    expect(listS2S()).toContain('openai_realtime');
    expect(createS2S('openai_realtime', { extra: key })).toBeInstanceOf(OpenAIRealtime);
  });

  it('fails with MissingApiKeyError naming OPENAI_API_KEY and extra.api_key when there is no key', () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      expect(() => createS2S('openai_realtime', {})).toThrow(MissingApiKeyError);
      expect(() => createS2S('openai_realtime', {})).toThrow(/OPENAI_API_KEY.*extra\.api_key/);
      expect(() => createS2S('openai_realtime', { extra: { api_key: '  ' } })).toThrow(MissingApiKeyError);
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
    expect(resolveOpenAIConfig({}, { OPENAI_API_KEY: 'sk-env' }).apiKey).toBe('sk-env');
  });

  it('rejects retired beta models with the GA model to use instead', () => {
    for (const model of ['gpt-4o-realtime-preview', 'gpt-4o-realtime-preview-2024-12-17', 'gpt-4o-mini-realtime-preview']) {
      const attempt = (): unknown => createS2S('openai_realtime', { model, extra: key });
      expect(attempt).toThrow(S2SConfigError);
      expect(attempt).toThrow(new RegExp(`'${model}'.*retired beta.*'${DEFAULT_OPENAI_REALTIME_MODEL}'`));
    }
  });

  it('keeps deprecated GA models usable and flags them', () => {
    expect(resolveOpenAIConfig({ model: 'gpt-realtime', extra: key }).deprecatedModel).toBe(true);
    expect(resolveOpenAIConfig({ extra: key }).deprecatedModel).toBe(false);
  });

  it('rejects a voice of the wrong type or an unknown voice, and accepts custom voice ids', () => {
    expect(() => createS2S('openai_realtime', { voice: 42 as unknown as string, extra: key })).toThrow(S2SConfigError);
    expect(() => createS2S('openai_realtime', { voice: 'darth', extra: key })).toThrow(/not a built-in voice/);
    expect(resolveOpenAIConfig({ voice: 'voice_1234', extra: key }).voice).toBe('voice_1234');
    expect(resolveOpenAIConfig({ extra: key }).voice).toBe('alloy');
  });

  it('names bad or unknown settings', () => {
    const bad = (extra: Record<string, unknown>): (() => unknown) => () => createS2S('openai_realtime', { extra: { ...key, ...extra } });
    expect(bad({ turn_detecton: 'none' })).toThrow(/unknown setting extra\.turn_detecton/);
    expect(bad({ turn_detection: 'push_to_talk' })).toThrow(/extra\.turn_detection must be one of/);
    expect(bad({ audio_format: 'mp3' })).toThrow(/extra\.audio_format/);
    expect(bad({ vad_threshold: 2 })).toThrow(/extra\.vad_threshold must be a number from 0 to 1/);
    expect(bad({ max_output_tokens: 5000 })).toThrow(/max_output_tokens/);
    expect(bad({ max_session_ms: 4_000_000 })).toThrow(/max_session_ms/);
    expect(bad({ base_url: 'ftp://example.com' })).toThrow(/base_url/);
    expect(bad({ tool_choice: 'nope' })).toThrow(/tool_choice/);
    expect(bad({ socket_factory: 'ws' })).toThrow(/socket_factory/);
  });

  it('builds the realtime URL from base URLs, with Azure detected by host', () => {
    expect(resolveOpenAIConfig({ extra: key }).url).toBe(`wss://api.openai.com/v1/realtime?model=${DEFAULT_OPENAI_REALTIME_MODEL}`);
    const azure = resolveOpenAIConfig({ model: 'my-deployment', extra: { ...key, base_url: 'https://res.openai.azure.com/openai/v1/' } });
    expect(azure.url).toBe('wss://res.openai.azure.com/openai/v1/realtime?model=my-deployment');
    expect(azure.azure).toBe(true);
    expect(resolveOpenAIConfig({ extra: { ...key, base_url: 'http://127.0.0.1:9/v1/realtime' } }).url).toBe(
      `ws://127.0.0.1:9/v1/realtime?model=${DEFAULT_OPENAI_REALTIME_MODEL}`,
    );
  });

  it('states capabilities and audio rates truthfully for the configuration', () => {
    const pcm = new OpenAIRealtime({ extra: key });
    expect(pcm.audioFormat).toEqual({ inputSampleRate: 24000, outputSampleRate: 24000 });
    expect(pcm.capabilities).toMatchObject({
      truncation: true,
      serverVad: true,
      manualTurns: true,
      resumption: false,
      textInput: true,
      toolCalling: true,
      toolCancellation: false,
      midSessionToolUpdate: true,
      userTranscripts: true,
      assistantTranscripts: true,
      maxSessionMs: 3_600_000,
    });
    const telephony = new OpenAIRealtime({ extra: { ...key, audio_format: 'g711_ulaw', turn_detection: 'none', input_transcription_model: 'none' } });
    expect(telephony.audioFormat).toEqual({ inputSampleRate: 8000, outputSampleRate: 8000 });
    expect(telephony.capabilities).toMatchObject({ serverVad: false, userTranscripts: false });
  });

  it('documents defaults that leave a margin before the 60-minute cap', () => {
    expect(openAIRealtimeDefaults.max_session_ms).toBeLessThan(3_600_000);
    expect(resolveOpenAIConfig({ extra: key }).maxSessionMs).toBe(openAIRealtimeDefaults.max_session_ms);
  });
});

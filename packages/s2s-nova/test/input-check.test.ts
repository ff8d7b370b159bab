/**
 * The emulator's input-event state machine on its own: what it accepts (the documented order) and what it refuses,
 * each refusal naming the rule.
 */
import { InputEventChecker } from '@voxframe/s2s-nova/testing';

const start = { sessionStart: { inferenceConfiguration: { maxTokens: 1024, topP: 0.9, temperature: 0.7 } } };
const prompt = {
  promptStart: {
    promptName: 'P',
    textOutputConfiguration: { mediaType: 'text/plain' },
    audioOutputConfiguration: { mediaType: 'audio/lpcm', sampleRateHertz: 24000, sampleSizeBits: 16, channelCount: 1, voiceId: 'matthew', encoding: 'base64', audioType: 'SPEECH' },
  },
};
const text = (name: string, role: string, interactive = false): object[] => [
  { contentStart: { promptName: 'P', contentName: name, type: 'TEXT', interactive, role, textInputConfiguration: { mediaType: 'text/plain' } } },
  { textInput: { promptName: 'P', contentName: name, content: 'hello' } },
  { contentEnd: { promptName: 'P', contentName: name } },
];
const audioStart = {
  contentStart: {
    promptName: 'P',
    contentName: 'A',
    type: 'AUDIO',
    interactive: true,
    role: 'USER',
    audioInputConfiguration: { mediaType: 'audio/lpcm', sampleRateHertz: 16000, sampleSizeBits: 16, channelCount: 1, audioType: 'SPEECH', encoding: 'base64' },
  },
};
const audio = { audioInput: { promptName: 'P', contentName: 'A', content: Buffer.alloc(640).toString('base64') } };
const end = [{ contentEnd: { promptName: 'P', contentName: 'A' } }, { promptEnd: { promptName: 'P' } }, { sessionEnd: {} }];

/** Feeds events; returns the first violation, or `undefined`. */
function firstViolation(events: readonly object[], setup?: (checker: InputEventChecker) => void): string | undefined {
  const checker = new InputEventChecker();
  setup?.(checker);
  for (const event of events) {
    const result = checker.check({ event });
    if (typeof result === 'string') return result;
  }
  return undefined;
}

describe('InputEventChecker', () => {
  it('accepts the documented order: system, history, audio, text, tool result, shutdown', () => {
    const tool = [
      { contentStart: { promptName: 'P', contentName: 'T', interactive: false, type: 'TOOL', role: 'TOOL', toolResultInputConfiguration: { toolUseId: 'tu1', type: 'TEXT', textInputConfiguration: { mediaType: 'text/plain' } } } },
      { toolResult: { promptName: 'P', contentName: 'T', content: '{}' } },
      { contentEnd: { promptName: 'P', contentName: 'T' } },
    ];
    const events = [start, prompt, ...text('S', 'SYSTEM'), ...text('H1', 'USER'), ...text('H2', 'ASSISTANT'), audioStart, audio, ...text('X', 'USER', true), ...tool, audio, ...end];
    expect(firstViolation(events, (checker) => checker.toolUseEmitted('tu1'))).toBeUndefined();
    expect(firstViolation([start, prompt, audioStart, audio, ...end])).toBeUndefined(); // no system prompt, no history
  });

  it.each<[string, object[], RegExp]>([
    ['promptStart first', [prompt], /before sessionStart/],
    ['history starting with ASSISTANT', [start, prompt, ...text('H', 'ASSISTANT')], /history must begin with a USER message/],
    ['history after audio', [start, prompt, audioStart, ...text('H', 'USER')], /history after the audio block started/],
    ['a late SYSTEM block', [start, prompt, ...text('H', 'USER'), ...text('S', 'SYSTEM')], /SYSTEM block must come first/],
    ['audio outside the audio block', [start, prompt, audio], /not open/],
    ['a reused content name', [start, prompt, ...text('S', 'SYSTEM'), ...text('S', 'USER')], /used twice/],
    ['another prompt name', [start, prompt, { contentEnd: { promptName: 'Q', contentName: 'A' } }], /not the active prompt/],
    ['promptEnd with the audio open', [start, prompt, audioStart, { promptEnd: { promptName: 'P' } }], /open content blocks: A/],
    ['sessionEnd before promptEnd', [start, prompt, audioStart, { sessionEnd: {} }], /sessionEnd before promptEnd/],
    ['8 kHz input', [start, prompt, { contentStart: { ...audioStart.contentStart, audioInputConfiguration: { ...audioStart.contentStart.audioInputConfiguration, sampleRateHertz: 8000 } } }], /16000 Hz/],
    [
      'a tool result nobody asked for',
      [start, prompt, audioStart, { contentStart: { promptName: 'P', contentName: 'T', interactive: false, type: 'TOOL', role: 'TOOL', toolResultInputConfiguration: { toolUseId: 'x', type: 'TEXT', textInputConfiguration: { mediaType: 'text/plain' } } } }],
      /toolUseId 'x' does not match/,
    ],
    [
      'a tool schema given as an object',
      [start, { promptStart: { ...prompt.promptStart, toolUseOutputConfiguration: { mediaType: 'application/json' }, toolConfiguration: { tools: [{ toolSpec: { name: 't', description: 'd', inputSchema: { json: { type: 'object' } } } }] } } }],
      /inputSchema.json must be a JSON string/,
    ],
    ['temperature out of range', [{ sessionStart: { inferenceConfiguration: { maxTokens: 10, topP: 0.5, temperature: 2 } } }], /temperature must be a number from 0 to 1/],
  ])('refuses %s', (_what, events, message) => {
    expect(firstViolation(events)).toMatch(message);
  });
});

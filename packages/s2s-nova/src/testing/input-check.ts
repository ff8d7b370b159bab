/**
 * The input-event state machine of the protocol note (§3.2, §6): `sessionStart` first, one `promptStart`, every
 * later event naming that prompt, the SYSTEM block first, history before audio and starting with USER, unique
 * content names, blocks opened before use and closed once, audio only in the AUDIO block, tool results only for
 * tool uses the model made, `contentEnd`(audio) then `promptEnd` then `sessionEnd`. Each violation is a string;
 * the emulator answers it with a `validationException`, as the service does.
 *
 * @packageDocumentation
 */

type Json = Record<string, unknown>;

interface Block {
  readonly type: string;
  readonly role: string;
  readonly interactive: boolean;
}

/** What the checker learned that the emulator acts on. */
export type CheckedEvent =
  | { readonly kind: 'session-start'; readonly endpointingSensitivity: string | undefined }
  | { readonly kind: 'prompt-start'; readonly promptName: string; readonly voiceId: string; readonly sampleRate: number; readonly tools: readonly string[] }
  | { readonly kind: 'system'; readonly text: string }
  | { readonly kind: 'history'; readonly role: string; readonly text: string }
  | { readonly kind: 'audio'; readonly samples: Int16Array }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'tool-result'; readonly toolUseId: string; readonly content: string }
  | { readonly kind: 'prompt-end' }
  | { readonly kind: 'session-end' }
  | { readonly kind: 'other' };

/** Validates one stream's input events, in order. */
export class InputEventChecker {
  #phase: 'session' | 'prompt' | 'system' | 'history' | 'live' | 'prompt-ended' | 'ended' = 'session';
  #promptName: string | undefined;
  readonly #open = new Map<string, Block>();
  readonly #used = new Set<string>();
  readonly #texts = new Map<string, string>();
  readonly #toolUseIds = new Set<string>();
  readonly #answered = new Set<string>();
  readonly #toolFor = new Map<string, string>();
  #audioBlock: string | undefined;
  #historySeen = false;

  /** The model emitted a tool use: a result for it becomes valid. */
  toolUseEmitted(toolUseId: string): void {
    this.#toolUseIds.add(toolUseId);
  }

  /**
   * Checks one event.
   *
   * @returns what it means, or the violation.
   */
  check(event: unknown): CheckedEvent | string {
    const outer = (event as { event?: unknown } | null)?.event;
    if (outer === null || typeof outer !== 'object') return 'chunk is not {"event": {...}}';
    const names = Object.keys(outer);
    if (names.length !== 1) return `an event must have exactly one name, got ${names.join(', ') || 'none'}`;
    const name = names[0] as string;
    const body = (outer as Json)[name] as Json;
    if (body === null || typeof body !== 'object') return `${name} must be an object`;
    if (this.#phase === 'ended') return `${name} after sessionEnd`;
    if (name === 'sessionStart') return this.#sessionStart(body);
    if (this.#phase === 'session') return `${name} before sessionStart`;
    if (name === 'sessionEnd') {
      if (this.#phase !== 'prompt-ended') return 'sessionEnd before promptEnd';
      this.#phase = 'ended';
      return { kind: 'session-end' };
    }
    if (name === 'promptStart') return this.#promptStart(body);
    if (this.#phase === 'prompt') return `${name} before promptStart`;
    if (body.promptName !== this.#promptName) return `${name}.promptName '${String(body.promptName)}' is not the active prompt '${this.#promptName ?? ''}'`;
    if (this.#phase === 'prompt-ended') return `${name} after promptEnd`;
    switch (name) {
      case 'contentStart':
        return this.#contentStart(body);
      case 'textInput':
      case 'audioInput':
      case 'toolResult':
        return this.#input(name, body);
      case 'contentEnd':
        return this.#contentEnd(body);
      case 'promptEnd':
        if (this.#open.size > 0) return `promptEnd with open content blocks: ${[...this.#open.keys()].join(', ')}`;
        this.#phase = 'prompt-ended';
        return { kind: 'prompt-end' };
      default:
        return `unknown input event '${name}'`;
    }
  }

  #sessionStart(body: Json): CheckedEvent | string {
    if (this.#phase !== 'session') return 'sessionStart twice';
    const inference = body.inferenceConfiguration as Json | undefined;
    if (inference === undefined || typeof inference !== 'object') return 'sessionStart.inferenceConfiguration is required';
    for (const [key, min, max] of [['maxTokens', 1, 10_000], ['topP', 0, 1], ['temperature', 0, 1]] as const) {
      const value = inference[key];
      if (typeof value !== 'number' || value < min || value > max) return `sessionStart.inferenceConfiguration.${key} must be a number from ${min} to ${max}`;
    }
    const turn = body.turnDetectionConfiguration as Json | undefined;
    const sensitivity = turn?.endpointingSensitivity;
    if (turn !== undefined && !['HIGH', 'MEDIUM', 'LOW'].includes(String(sensitivity))) return 'turnDetectionConfiguration.endpointingSensitivity must be HIGH, MEDIUM or LOW';
    this.#phase = 'prompt';
    return { kind: 'session-start', endpointingSensitivity: sensitivity as string | undefined };
  }

  #promptStart(body: Json): CheckedEvent | string {
    if (this.#phase !== 'prompt') return 'promptStart twice, or after other events';
    if (typeof body.promptName !== 'string' || body.promptName === '') return 'promptStart.promptName is required';
    const audio = body.audioOutputConfiguration as Json | undefined;
    if (audio === undefined) return 'promptStart.audioOutputConfiguration is required';
    if (audio.mediaType !== 'audio/lpcm' || audio.sampleSizeBits !== 16 || audio.channelCount !== 1 || audio.encoding !== 'base64') {
      return 'audioOutputConfiguration must be audio/lpcm, 16 bits, 1 channel, base64';
    }
    if (![8000, 16000, 24000].includes(audio.sampleRateHertz as number)) return 'audioOutputConfiguration.sampleRateHertz must be 8000, 16000 or 24000';
    if (typeof audio.voiceId !== 'string') return 'audioOutputConfiguration.voiceId is required';
    if ((body.textOutputConfiguration as Json | undefined)?.mediaType !== 'text/plain') return 'textOutputConfiguration.mediaType must be text/plain';
    const tools: string[] = [];
    const toolConfiguration = body.toolConfiguration as Json | undefined;
    if (toolConfiguration !== undefined) {
      if ((body.toolUseOutputConfiguration as Json | undefined)?.mediaType !== 'application/json') return 'toolUseOutputConfiguration.mediaType must be application/json';
      for (const tool of (toolConfiguration.tools as Json[] | undefined) ?? []) {
        const spec = tool.toolSpec as Json | undefined;
        const schema = (spec?.inputSchema as Json | undefined)?.json;
        if (typeof spec?.name !== 'string') return 'toolSpec.name is required';
        if (typeof schema !== 'string') return `toolSpec ${spec.name}: inputSchema.json must be a JSON string`;
        try {
          if ((JSON.parse(schema) as Json).type !== 'object') return `toolSpec ${spec.name}: the schema must have type object`;
        } catch {
          return `toolSpec ${spec.name}: inputSchema.json is not valid JSON`;
        }
        tools.push(spec.name);
      }
    }
    this.#promptName = body.promptName;
    this.#phase = 'system';
    return { kind: 'prompt-start', promptName: body.promptName, voiceId: audio.voiceId, sampleRate: audio.sampleRateHertz as number, tools };
  }

  #contentStart(body: Json): CheckedEvent | string {
    const name = body.contentName;
    if (typeof name !== 'string' || name === '') return 'contentStart.contentName is required';
    if (this.#used.has(name)) return `contentName '${name}' used twice`;
    const type = String(body.type);
    const role = String(body.role);
    const interactive = body.interactive === true;
    if (type === 'TEXT') {
      if ((body.textInputConfiguration as Json | undefined)?.mediaType !== 'text/plain') return 'a TEXT block needs textInputConfiguration text/plain';
      if (role === 'SYSTEM') {
        if (this.#phase !== 'system') return 'the SYSTEM block must come first after promptStart, once';
        this.#phase = 'history';
      } else if (!interactive) {
        if (role !== 'USER' && role !== 'ASSISTANT') return `history blocks are USER or ASSISTANT, got ${role}`;
        if (this.#phase === 'live') return 'history after the audio block started';
        if (!this.#historySeen && role !== 'USER') return 'history must begin with a USER message';
        this.#historySeen = true;
        this.#phase = 'history';
      } else {
        if (role !== 'USER') return `interactive text must be USER, got ${role}`;
        if (this.#phase !== 'live') return 'interactive text before the audio block';
      }
    } else if (type === 'AUDIO') {
      if (this.#audioBlock !== undefined) return 'a second AUDIO block';
      if (role !== 'USER' || !interactive) return 'the AUDIO block must be USER and interactive';
      const config = body.audioInputConfiguration as Json | undefined;
      if (config?.mediaType !== 'audio/lpcm' || config.sampleRateHertz !== 16000 || config.sampleSizeBits !== 16 || config.channelCount !== 1 || config.encoding !== 'base64') {
        return 'audioInputConfiguration must be audio/lpcm 16000 Hz, 16 bits, 1 channel, base64';
      }
      this.#audioBlock = name;
      this.#phase = 'live';
    } else if (type === 'TOOL') {
      if (role !== 'TOOL') return 'a TOOL block must have role TOOL';
      const config = body.toolResultInputConfiguration as Json | undefined;
      const toolUseId = config?.toolUseId;
      if (typeof toolUseId !== 'string' || !this.#toolUseIds.has(toolUseId)) return `toolUseId '${String(toolUseId)}' does not match a toolUse of the model`;
      if (this.#answered.has(toolUseId)) return `toolUseId '${toolUseId}' answered twice`;
      if ((config?.textInputConfiguration as Json | undefined)?.mediaType !== 'text/plain') return 'toolResultInputConfiguration needs textInputConfiguration text/plain';
      this.#toolFor.set(name, toolUseId);
    } else return `content type '${type}' is not TEXT, AUDIO or TOOL`;
    this.#used.add(name);
    this.#open.set(name, { type, role, interactive });
    return { kind: 'other' };
  }

  #input(name: string, body: Json): CheckedEvent | string {
    const contentName = String(body.contentName);
    const block = this.#open.get(contentName);
    if (block === undefined) return `${name} for content '${contentName}', which is not open`;
    if (typeof body.content !== 'string') return `${name}.content must be a string`;
    const expected = name === 'audioInput' ? 'AUDIO' : name === 'toolResult' ? 'TOOL' : 'TEXT';
    if (block.type !== expected) return `${name} in a ${block.type} block`;
    if (name === 'audioInput') {
      const bytes = Buffer.from(body.content, 'base64');
      if (bytes.length % 2 !== 0) return 'audioInput holds an odd number of bytes (PCM16 expected)';
      const samples = new Int16Array(bytes.length / 2);
      new Uint8Array(samples.buffer).set(bytes);
      return { kind: 'audio', samples };
    }
    this.#texts.set(contentName, (this.#texts.get(contentName) ?? '') + body.content);
    return { kind: 'other' };
  }

  #contentEnd(body: Json): CheckedEvent | string {
    const contentName = String(body.contentName);
    const block = this.#open.get(contentName);
    if (block === undefined) return `contentEnd for '${contentName}', which is not open`;
    this.#open.delete(contentName);
    const text = this.#texts.get(contentName) ?? '';
    this.#texts.delete(contentName);
    if (block.type === 'TOOL') {
      const toolUseId = this.#toolFor.get(contentName) as string;
      this.#answered.add(toolUseId);
      return { kind: 'tool-result', toolUseId, content: text };
    }
    if (block.type === 'TEXT') {
      if (block.role === 'SYSTEM') return { kind: 'system', text };
      if (!block.interactive) return { kind: 'history', role: block.role, text };
      return { kind: 'text', text };
    }
    return { kind: 'other' };
  }
}

/**
 * voxframe browser voice client: microphone -> server, server audio -> speakers, over one WebSocket.
 *
 * Plain ES module, no dependencies: `import { VoiceClient } from './client.js'`. Speaks the protocol of
 * `@voxframe/transports` `websocket/protocol.ts`:
 * - capture through an AudioWorklet, PCM16 LE mono frames of `frameMs` at the AudioContext rate (announced in hello);
 * - gapless playback through a second AudioWorklet with a ring-buffer queue that a `flush` empties at once;
 * - `played` acknowledgements of what actually came out of the speakers (the playback clock).
 *
 * Events (EventTarget, `event.detail`): `ready`, `transcript`, `text`, `server-event`, `audio-start`, `flush`,
 * `played`, `level` ({ input, output } RMS 0..1), `error`, `close`.
 */

const CAPTURE_WORKLET = `
class VoxCapture extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.frame = new Int16Array(options.processorOptions.frameSamples);
    this.fill = 0;
    this.sumSquares = 0;
    this.muted = false;
    this.port.onmessage = (e) => { if (e.data && e.data.type === 'mute') this.muted = e.data.muted; };
  }
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (!channel) return true;
    for (let i = 0; i < channel.length; i++) {
      const s = this.muted ? 0 : Math.max(-1, Math.min(1, channel[i]));
      this.sumSquares += s * s;
      this.frame[this.fill++] = s < 0 ? s * 0x8000 : s * 0x7fff;
      if (this.fill === this.frame.length) {
        const out = this.frame.slice(0);
        this.port.postMessage({ samples: out.buffer, rms: Math.sqrt(this.sumSquares / this.fill) }, [out.buffer]);
        this.fill = 0;
        this.sumSquares = 0;
      }
    }
    return true;
  }
}
registerProcessor('vox-capture', VoxCapture);
`;

const PLAYBACK_WORKLET = `
class VoxPlayback extends AudioWorkletProcessor {
  constructor(options) {
    super();
    const capacity = options.processorOptions.capacitySamples;
    this.ring = new Float32Array(capacity);
    this.read = 0;   // absolute sample positions; index = pos % capacity
    this.write = 0;
    this.segments = []; // { id, start, end } per utterance, few entries
    this.reportEvery = Math.round(sampleRate * options.processorOptions.reportMs / 1000);
    this.sinceReport = 0;
    this.sumSquares = 0;
    this.port.onmessage = (e) => this.onMessage(e.data);
  }
  segmentAt(pos) {
    for (const s of this.segments) if (pos >= s.start && (s.end === -1 || pos < s.end)) return s;
    return undefined;
  }
  report(seg, final) {
    const playedSamples = Math.max(0, Math.min(this.read, seg.end === -1 ? this.read : seg.end) - seg.start);
    this.port.postMessage({ type: 'played', utteranceId: seg.id, playedMs: (playedSamples / sampleRate) * 1000, final });
  }
  onMessage(msg) {
    if (msg.type === 'start') {
      const last = this.segments[this.segments.length - 1];
      if (last && last.end === -1) last.end = this.write;
      this.segments.push({ id: msg.utteranceId, start: this.write, end: -1 });
    } else if (msg.type === 'audio') {
      const pcm = new Int16Array(msg.samples);
      const cap = this.ring.length;
      if (this.write - this.read + pcm.length > cap) {
        this.port.postMessage({ type: 'overflow', dropped: pcm.length });
        return;
      }
      for (let i = 0; i < pcm.length; i++) this.ring[(this.write + i) % cap] = pcm[i] / 32768;
      this.write += pcm.length;
    } else if (msg.type === 'flush') {
      const seg = this.segmentAt(this.read) || this.segments[this.segments.length - 1];
      if (seg) { seg.end = this.read; this.report(seg, true); }
      this.write = this.read;
      this.segments = [];
      this.port.postMessage({ type: 'flushed' });
    }
  }
  process(_inputs, outputs) {
    const out = outputs[0][0];
    const cap = this.ring.length;
    const available = this.write - this.read;
    const n = Math.min(out.length, available);
    for (let i = 0; i < n; i++) {
      const v = this.ring[(this.read + i) % cap];
      out[i] = v;
      this.sumSquares += v * v;
    }
    for (let i = n; i < out.length; i++) out[i] = 0;
    for (let c = 1; c < outputs[0].length; c++) outputs[0][c].set(out);
    this.read += n;
    while (this.segments.length > 0) {
      const first = this.segments[0];
      if (first.end !== -1 && this.read >= first.end) { this.report(first, true); this.segments.shift(); }
      else break;
    }
    this.sinceReport += out.length;
    if (this.sinceReport >= this.reportEvery) {
      const seg = this.segmentAt(Math.max(0, this.read - 1));
      if (seg && n > 0) this.report(seg, false);
      this.port.postMessage({ type: 'level', rms: Math.sqrt(this.sumSquares / this.sinceReport), queuedMs: ((this.write - this.read) / sampleRate) * 1000 });
      this.sinceReport = 0;
      this.sumSquares = 0;
    }
    return true;
  }
}
registerProcessor('vox-playback', VoxPlayback);
`;

function moduleUrl(source) {
  return URL.createObjectURL(new Blob([source], { type: 'application/javascript' }));
}

/** Options: { url, sampleRate = 16000, frameMs = 20, reportMs = 100, bufferSeconds = 30, audio = {} (getUserMedia audio constraints) } */
export class VoiceClient extends EventTarget {
  constructor(options) {
    super();
    this.options = { sampleRate: 16000, frameMs: 20, reportMs: 100, bufferSeconds: 30, audio: {}, ...options };
    this.socket = undefined;
    this.context = undefined;
    this.stream = undefined;
    this.capture = undefined;
    this.playback = undefined;
    this.session = undefined;
    this.utteranceId = undefined;
    this.inputLevel = 0;
    this.outputLevel = 0;
    this.queuedMs = 0;
    this.stats = { framesSent: 0, framesReceived: 0, flushes: 0 };
  }

  /** Opens the microphone, the audio graph and the socket; resolves once the server answered `ready`. */
  async start() {
    const o = this.options;
    try {
      this.context = new AudioContext({ sampleRate: o.sampleRate, latencyHint: 'interactive' });
    } catch {
      this.context = new AudioContext({ latencyHint: 'interactive' }); // rate not supported: use the device rate, announced below
    }
    const ctx = this.context;
    if (ctx.state === 'suspended') await ctx.resume();
    await ctx.audioWorklet.addModule(moduleUrl(CAPTURE_WORKLET));
    await ctx.audioWorklet.addModule(moduleUrl(PLAYBACK_WORKLET));
    this.stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true, ...o.audio },
    });
    const source = ctx.createMediaStreamSource(this.stream);
    const frameSamples = Math.round((ctx.sampleRate * o.frameMs) / 1000);
    this.capture = new AudioWorkletNode(ctx, 'vox-capture', { numberOfInputs: 1, numberOfOutputs: 0, processorOptions: { frameSamples } });
    this.playback = new AudioWorkletNode(ctx, 'vox-playback', {
      numberOfInputs: 0,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      processorOptions: { capacitySamples: Math.round(ctx.sampleRate * o.bufferSeconds), reportMs: o.reportMs },
    });
    source.connect(this.capture);
    this.playback.connect(ctx.destination);
    this.capture.port.onmessage = (e) => this.#onCaptured(e.data);
    this.playback.port.onmessage = (e) => this.#onPlayback(e.data);

    this.socket = new WebSocket(o.url);
    this.socket.binaryType = 'arraybuffer';
    const ready = new Promise((resolve, reject) => {
      this.addEventListener('ready', (e) => resolve(e.detail), { once: true });
      this.addEventListener('close', (e) => reject(new Error(`connection closed (${e.detail.code})`)), { once: true });
    });
    this.socket.onopen = () => {
      this.#send({ type: 'hello', version: 1, sampleRate: ctx.sampleRate, outputSampleRate: ctx.sampleRate, client: navigator.userAgent });
    };
    this.socket.onmessage = (e) => this.#onMessage(e.data);
    this.socket.onclose = (e) => this.#emit('close', { code: e.code, reason: e.reason });
    this.socket.onerror = () => this.#emit('error', { code: 'socket', message: 'WebSocket error' });
    return ready;
  }

  /** Mutes or unmutes the microphone (silence is still sent, so the server's clock keeps running). */
  setMuted(muted) {
    this.capture?.port.postMessage({ type: 'mute', muted });
  }

  /** Asks the server to interrupt the bot. */
  interrupt() {
    this.#send({ type: 'interrupt' });
  }

  /** Asks the server's agent to switch mode or provider (a name from `ready.agent.modes`). */
  switchTo(target) {
    this.#send({ type: 'switch', target });
  }

  /** Sends typed text. */
  sendText(text) {
    this.#send({ type: 'text', text });
  }

  /** Says goodbye, closes the socket and releases the microphone and the audio graph. */
  async stop() {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.#send({ type: 'bye' });
      this.socket.close(1000, 'bye');
    }
    this.stream?.getTracks().forEach((t) => t.stop());
    await this.context?.close().catch(() => undefined);
  }

  #send(message) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  #emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  #onCaptured(data) {
    this.inputLevel = data.rms;
    if (this.socket && this.socket.readyState === WebSocket.OPEN && this.session) {
      this.socket.send(data.samples);
      this.stats.framesSent += 1;
    }
  }

  #onPlayback(data) {
    if (data.type === 'played') {
      this.#send({ type: 'played', utteranceId: data.utteranceId, playedMs: Math.round(data.playedMs), final: data.final });
      this.#emit('played', data);
    } else if (data.type === 'level') {
      this.outputLevel = data.rms;
      this.queuedMs = data.queuedMs;
      this.#emit('level', { input: this.inputLevel, output: data.rms, queuedMs: data.queuedMs });
    } else if (data.type === 'overflow') {
      this.#emit('error', { code: 'playback_overflow', message: `playback queue full; ${data.dropped} samples dropped` });
    }
  }

  #onMessage(data) {
    if (typeof data !== 'string') {
      this.stats.framesReceived += 1;
      this.playback?.port.postMessage({ type: 'audio', samples: data }, [data]);
      return;
    }
    let msg;
    try {
      msg = JSON.parse(data);
    } catch {
      return;
    }
    switch (msg.type) {
      case 'ready':
        this.session = msg;
        this.#emit('ready', msg);
        break;
      case 'audio.start':
        if (msg.sampleRate !== this.context.sampleRate) {
          this.#emit('error', { code: 'rate_mismatch', message: `server sends ${msg.sampleRate} Hz, context plays ${this.context.sampleRate} Hz` });
        }
        this.utteranceId = msg.utteranceId;
        this.playback?.port.postMessage({ type: 'start', utteranceId: msg.utteranceId });
        this.#emit('audio-start', msg);
        break;
      case 'flush':
        this.stats.flushes += 1;
        this.playback?.port.postMessage({ type: 'flush' });
        this.#emit('flush', msg);
        break;
      case 'transcript':
        this.#emit('transcript', msg);
        break;
      case 'text':
        this.#emit('text', msg);
        break;
      case 'event':
        this.#emit('server-event', msg);
        break;
      case 'error':
        this.#emit('error', msg);
        break;
      case 'end':
        this.#emit('server-event', { type: 'event', name: 'end', atMs: 0, data: { reason: msg.reason } });
        break;
      default:
        break;
    }
  }
}

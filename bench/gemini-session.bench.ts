/**
 * Gemini Live provider: CPU of its hot paths, with a null socket (the socket's own cost is the transport
 * benchmark's business), many sessions interleaved from one ticker.
 *
 * 1. `sendAudio` per 20 ms frame, PCM16 16 kHz -> `realtimeInput.audio` JSON text. Anchor: the least a client can
 *    do, base64 of the samples inside `JSON.stringify`.
 * Value and anchor are measured in alternating rounds (median of each).
 *
 * 2. One 100 ms `serverContent.modelTurn` audio part, from the socket's binary frame (UTF-8 JSON in a Buffer, as the
 *    service sends it) to the `audio` event. Anchor: UTF-8 decode + `JSON.parse` + base64 decode + copy into an
 *    Int16Array.
 */
import { createS2S, type S2SEvent } from '@voxframe/core';
import '../packages/s2s-gemini/src/index';
import type { GeminiLiveSession, SocketCallbacks, WebSocketFactory } from '../packages/s2s-gemini/src/index';
import { median } from './stats';
import type { BenchRow } from './types';

interface FakeSocketSession {
  readonly session: GeminiLiveSession;
  readonly callbacks: SocketCallbacks;
}

let flattened = 0;

/** A socket that answers `setup` with `setupComplete` and drops everything else. */
function nullSocketFactory(onCallbacks: (callbacks: SocketCallbacks) => void): WebSocketFactory {
  return (_request, callbacks) => {
    onCallbacks(callbacks);
    setImmediate(() => callbacks.onOpen());
    return {
      send: (text) => {
        // ws would encode the text to UTF-8: touch it the same way, so lazily built strings pay for flattening.
        flattened += Buffer.byteLength(text);
        if (text.startsWith('{"setup"')) setImmediate(() => callbacks.onMessage(Buffer.from('{"setupComplete":{}}')));
      },
      close: (code, reason) => setImmediate(() => callbacks.onClose(code, reason)),
      terminate: () => setImmediate(() => callbacks.onClose(1006, '')),
    };
  };
}

async function sessions(count: number): Promise<FakeSocketSession[]> {
  const out: FakeSocketSession[] = [];
  for (let i = 0; i < count; i++) {
    let captured: SocketCallbacks | undefined;
    const engine = createS2S('gemini_live', { extra: { api_key: 'bench', socket_factory: nullSocketFactory((c) => (captured = c)) } });
    const session = (await engine.start()) as GeminiLiveSession;
    out.push({ session, callbacks: captured as SocketCallbacks });
  }
  return out;
}

function cpuUs(run: () => void): number {
  const before = process.cpuUsage();
  run();
  const used = process.cpuUsage(before);
  return used.user + used.system;
}

/**
 * Measures `value` and `anchor` in alternating rounds and keeps the median of each, so load from other processes
 * on a shared machine hits both alike.
 */
function alternating(rounds: number, value: () => void, anchor: () => void): { value: number; anchor: number } {
  const values: number[] = [];
  const anchors: number[] = [];
  for (let r = 0; r < rounds; r++) {
    values.push(cpuUs(value));
    anchors.push(cpuUs(anchor));
  }
  return { value: median(values), anchor: median(anchors) };
}

function voice(samples: number, rate: number): Int16Array {
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) out[i] = Math.round(8000 * Math.sin((2 * Math.PI * 220 * i) / rate));
  return out;
}

export async function run(opts: { quick: boolean }): Promise<BenchRow[]> {
  const count = opts.quick ? 100 : 300;
  const ticks = opts.quick ? 20 : 80;
  const rounds = opts.quick ? 9 : 15;
  const rows: BenchRow[] = [];
  let sink = 0;
  const live = await sessions(count);
  let audioEvents = 0;
  for (const s of live) s.session.events.subscribe((e: S2SEvent) => { if (e.type === 'audio') audioEvents += 1; });

  // 1. Input audio.
  const frame = voice(320, 16000);
  for (let t = 0; t < 20; t++) for (const s of live) s.session.sendAudio(frame); // warm-up
  const input = alternating(
    rounds,
    () => {
      for (let t = 0; t < ticks; t++) for (const s of live) s.session.sendAudio(frame);
    },
    () => {
      for (let t = 0; t < ticks; t++) {
        for (let i = 0; i < count; i++) {
          sink += Buffer.byteLength(JSON.stringify({ realtimeInput: { audio: { mimeType: 'audio/pcm;rate=16000', data: Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).toString('base64') } } }));
        }
      }
    },
  );
  const value = input.value / (ticks * count);
  // Guard: the frames went to the socket, not into the reconnect backlog.
  const sentFrames = live.reduce((n, s) => n + s.session.sentInputSamples, 0) / frame.length;
  const anchor = input.anchor / (ticks * count);
  rows.push({ name: 'gemini sendAudio, PCM16 16 kHz 20 ms frame', value, unit: 'us', anchor: 'base64 + JSON.stringify + UTF-8 length', anchorValue: anchor, ratio: value / anchor, target: '<= 1.5x anchor', pass: value / anchor <= 1.5, notes: `${count} sessions interleaved, null socket; ${sentFrames} frames reached the socket` });

  // 2. Output audio: a binary frame -> audio event.
  const chunk = voice(2400, 24000);
  const message = Buffer.from(
    JSON.stringify({ serverContent: { modelTurn: { parts: [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data: Buffer.from(chunk.buffer).toString('base64') } }] } } }),
    'utf8',
  );
  const deltas = opts.quick ? 4 : 16;
  for (let t = 0; t < 5; t++) for (const s of live) s.callbacks.onMessage(message); // warm-up
  const output = alternating(
    rounds,
    () => {
      for (let t = 0; t < deltas; t++) for (const s of live) s.callbacks.onMessage(message);
    },
    () => {
      for (let t = 0; t < deltas; t++) {
        for (let i = 0; i < count; i++) {
          const parsed = JSON.parse(message.toString('utf8')) as { serverContent: { modelTurn: { parts: { inlineData: { data: string } }[] } } };
          const bytes = Buffer.from(parsed.serverContent.modelTurn.parts[0].inlineData.data, 'base64');
          const samples = new Int16Array(bytes.length >> 1);
          new Uint8Array(samples.buffer).set(bytes);
          sink += samples.length;
        }
      }
    },
  );
  const outValue = output.value / (deltas * count);
  const outAnchor = output.anchor / (deltas * count);
  rows.push({
    name: 'gemini output 100 ms PCM16 24 kHz (binary frame) -> audio event',
    value: outValue,
    unit: 'us',
    anchor: 'utf8 + JSON.parse + base64 decode + copy',
    anchorValue: outAnchor,
    ratio: outValue / outAnchor,
    target: '<= 1.5x anchor',
    pass: outValue / outAnchor <= 1.5,
    notes: `${audioEvents} events`,
  });
  await Promise.all(live.map((s) => s.session.close()));
  if (sink === -1 || flattened === -1) console.log(sink, flattened);
  return rows;
}

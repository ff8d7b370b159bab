/**
 * OpenAI Realtime provider: CPU of its hot paths, with a null socket (the socket's own cost is the transport
 * benchmark's business), many sessions interleaved from one ticker.
 *
 * 1. `sendAudio` per 20 ms frame, PCM16 24 kHz -> `input_audio_buffer.append` text. Anchor: the least a client can do,
 *    base64 of the samples inside `JSON.stringify`.
 * 2. The same for G.711 μ-law 8 kHz (local tables). Anchor: `alawmulaw` encode + base64 + stringify.
 * 3. `sendEncodedAudio` (Twilio payload pass-through). Anchor: stringify alone.
 * 4. One 100 ms `response.output_audio.delta` from socket text to the `audio` event. Anchor: `JSON.parse` + base64
 *    decode + copy into an Int16Array.
 */
import * as alawmulaw from 'alawmulaw';
import { createS2S, type S2SEvent } from '@voxframe/core';
import '../packages/s2s-openai/src/index';
import type { OpenAIRealtimeSession, SocketCallbacks, WebSocketFactory } from '../packages/s2s-openai/src/index';
import type { BenchRow } from './types';

interface FakeSocketSession {
  readonly session: OpenAIRealtimeSession;
  readonly callbacks: SocketCallbacks;
}

/** A socket that answers the handshake and `session.update`, and drops everything else. */
function nullSocketFactory(onCallbacks: (callbacks: SocketCallbacks) => void): WebSocketFactory {
  return (_request, callbacks) => {
    onCallbacks(callbacks);
    setImmediate(() => {
      callbacks.onOpen();
      callbacks.onMessage(JSON.stringify({ type: 'session.created', event_id: 'e0', session: { id: 'sess_bench' } }));
    });
    return {
      send: (text) => {
        if (text.includes('"session.update"')) setImmediate(() => callbacks.onMessage(JSON.stringify({ type: 'session.updated', event_id: 'e1', session: {} })));
      },
      close: (code, reason) => setImmediate(() => callbacks.onClose(code, reason)),
      terminate: () => setImmediate(() => callbacks.onClose(1006, '')),
    };
  };
}

async function sessions(count: number, audioFormat: 'pcm16' | 'g711_ulaw'): Promise<FakeSocketSession[]> {
  const out: FakeSocketSession[] = [];
  for (let i = 0; i < count; i++) {
    let captured: SocketCallbacks | undefined;
    const engine = createS2S('openai_realtime', {
      extra: { api_key: 'bench', audio_format: audioFormat, socket_factory: nullSocketFactory((c) => (captured = c)) },
    });
    const session = (await engine.start()) as OpenAIRealtimeSession;
    session.events.subscribe(() => undefined);
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

function voice(samples: number, rate: number): Int16Array {
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) out[i] = Math.round(8000 * Math.sin((2 * Math.PI * 220 * i) / rate));
  return out;
}

export async function run(opts: { quick: boolean }): Promise<BenchRow[]> {
  const count = opts.quick ? 100 : 300;
  const ticks = opts.quick ? 100 : 400;
  const rows: BenchRow[] = [];
  let sink = 0;

  // 1. PCM16 appends.
  {
    const live = await sessions(count, 'pcm16');
    const frame = voice(480, 24000);
    for (let t = 0; t < 20; t++) for (const s of live) s.session.sendAudio(frame); // warm-up
    const value = cpuUs(() => {
      for (let t = 0; t < ticks; t++) for (const s of live) s.session.sendAudio(frame);
    }) / (ticks * count);
    const anchor = cpuUs(() => {
      for (let t = 0; t < ticks; t++) {
        for (let i = 0; i < count; i++) {
          sink += JSON.stringify({ type: 'input_audio_buffer.append', audio: Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).toString('base64') }).length;
        }
      }
    }) / (ticks * count);
    rows.push({ name: 'openai sendAudio, PCM16 24 kHz 20 ms frame', value, unit: 'us', anchor: 'base64 + JSON.stringify', anchorValue: anchor, ratio: value / anchor, notes: `${count} sessions interleaved, null socket` });

    // 4. Output deltas: socket text -> audio event.
    const delta = voice(2400, 24000);
    const text = JSON.stringify({
      type: 'response.output_audio.delta', event_id: 'event_x', response_id: 'resp_1', item_id: 'item_1', output_index: 0, content_index: 0,
      delta: Buffer.from(delta.buffer).toString('base64'),
    });
    let audioEvents = 0;
    for (const s of live) s.session.events.subscribe((e: S2SEvent) => { if (e.type === 'audio') audioEvents += 1; });
    const deltas = opts.quick ? 20 : 80;
    const outValue = cpuUs(() => {
      for (let t = 0; t < deltas; t++) for (const s of live) s.callbacks.onMessage(text);
    }) / (deltas * count);
    const outAnchor = cpuUs(() => {
      for (let t = 0; t < deltas; t++) {
        for (let i = 0; i < count; i++) {
          const event = JSON.parse(text) as { delta: string };
          const bytes = Buffer.from(event.delta, 'base64');
          const samples = new Int16Array(bytes.length >> 1);
          new Uint8Array(samples.buffer).set(bytes);
          sink += samples.length;
        }
      }
    }) / (deltas * count);
    rows.push({ name: 'openai output delta 100 ms PCM16 -> audio event', value: outValue, unit: 'us', anchor: 'JSON.parse + base64 decode + copy', anchorValue: outAnchor, ratio: outValue / outAnchor, notes: `${audioEvents} events` });
    await Promise.all(live.map((s) => s.session.close()));
  }

  // 2-3. G.711 μ-law.
  {
    const live = await sessions(count, 'g711_ulaw');
    const frame = voice(160, 8000);
    for (let t = 0; t < 20; t++) for (const s of live) s.session.sendAudio(frame);
    const value = cpuUs(() => {
      for (let t = 0; t < ticks; t++) for (const s of live) s.session.sendAudio(frame);
    }) / (ticks * count);
    const anchor = cpuUs(() => {
      for (let t = 0; t < ticks; t++) {
        for (let i = 0; i < count; i++) {
          const bytes = alawmulaw.mulaw.encode(frame);
          sink += JSON.stringify({ type: 'input_audio_buffer.append', audio: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') }).length;
        }
      }
    }) / (ticks * count);
    rows.push({ name: 'openai sendAudio, G.711 μ-law 20 ms frame', value, unit: 'us', anchor: 'alawmulaw + base64 + JSON.stringify', anchorValue: anchor, ratio: value / anchor });
    const payload = Buffer.from(alawmulaw.mulaw.encode(frame)).toString('base64');
    const passValue = cpuUs(() => {
      for (let t = 0; t < ticks; t++) for (const s of live) s.session.sendEncodedAudio(payload);
    }) / (ticks * count);
    const passAnchor = cpuUs(() => {
      for (let t = 0; t < ticks; t++) for (let i = 0; i < count; i++) sink += JSON.stringify({ type: 'input_audio_buffer.append', audio: payload }).length;
    }) / (ticks * count);
    rows.push({ name: 'openai sendEncodedAudio (μ-law pass-through)', value: passValue, unit: 'us', anchor: 'JSON.stringify', anchorValue: passAnchor, ratio: passValue / passAnchor, notes: 'the pre-roll keeps the payloads undecoded' });
    await Promise.all(live.map((s) => s.session.close()));
  }
  if (sink === -1) console.log(sink);
  return rows;
}

/**
 * Nova Sonic provider: CPU per event beside the bare AWS SDK stream, in the same run, many sessions interleaved.
 * Both sides use the same SDK client over HTTP/2 (SigV4 signing of every event included) against a peer in another
 * process (`nova-stream-peer.ts`, not counted), so the ratio is what the provider adds to the SDK.
 *
 * Each input measurement follows a warm-up round of the same size.
 *
 * 1. Input: one 20 ms 16 kHz audio frame to the stream. Provider: `session.sendAudio(frame)`. Anchor: the least a
 *    client can do, base64 of the samples in the `audioInput` JSON, encoded, yielded to the SDK.
 * 2. Output: one 100 ms 24 kHz `audioOutput` event to samples. Provider: the `audio` event. Anchor: `for await` over
 *    the SDK's body, `JSON.parse`, base64 decode, copy into an Int16Array.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BedrockRuntimeClient, InvokeModelWithBidirectionalStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttp2Handler } from '@smithy/node-http-handler';
import { createS2S, type S2SEvent } from '@voxframe/core';
import '../packages/s2s-nova/src/index';
import type { NovaSonicSession } from '../packages/s2s-nova/src/index';
import type { BenchRow } from './types';

const credentials = { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench-secret-not-real' };
const silentSdkLogger = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function cpuUs(): number {
  const used = process.cpuUsage();
  return used.user + used.system;
}

function voice(samples: number, rate: number): Int16Array {
  const out = new Int16Array(samples);
  for (let i = 0; i < samples; i++) out[i] = Math.round(8000 * Math.sin((2 * Math.PI * 220 * i) / rate));
  return out;
}

async function startPeer(audioFrames: number, outputEvents: number): Promise<{ url: string; stop(): void }> {
  const tsx = join(__dirname, '..', 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const child = spawn(process.execPath, [tsx, join(__dirname, 'nova-stream-peer.ts'), String(audioFrames), String(outputEvents)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr?.on('data', (d: Buffer) => (errors += d.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (d: Buffer) => {
      buffer += d.toString();
      const match = /port (\d+)/.exec(buffer);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`nova peer exited with ${code}: ${errors}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () => {
      child.stdin?.end();
      child.kill();
    },
  };
}

/** A bare SDK stream: a hand-written input queue, the opening events, and a minimal output loop. */
class BareStream {
  readonly #queue: Uint8Array[] = [];
  #wake: (() => void) | undefined;
  #ended = false;
  readonly client: BedrockRuntimeClient;
  inDone = false;
  outDone = false;
  samples = 0;

  constructor(url: string) {
    this.client = new BedrockRuntimeClient({ region: 'us-east-1', endpoint: url, credentials, maxAttempts: 1, logger: silentSdkLogger, requestHandler: new NodeHttp2Handler({ disableConcurrentStreams: true }) });
    for (const event of [
      { sessionStart: { inferenceConfiguration: { maxTokens: 1024, topP: 0.9, temperature: 0.7 } } },
      { promptStart: { promptName: 'P', textOutputConfiguration: { mediaType: 'text/plain' }, audioOutputConfiguration: { mediaType: 'audio/lpcm', sampleRateHertz: 24000, sampleSizeBits: 16, channelCount: 1, voiceId: 'matthew', encoding: 'base64', audioType: 'SPEECH' } } },
      { contentStart: { promptName: 'P', contentName: 'A', type: 'AUDIO', interactive: true, role: 'USER', audioInputConfiguration: { mediaType: 'audio/lpcm', sampleRateHertz: 16000, sampleSizeBits: 16, channelCount: 1, audioType: 'SPEECH', encoding: 'base64' } } },
    ]) this.push(event);
    const body = { [Symbol.asyncIterator]: () => this.#pull() };
    void this.#read(body);
  }

  async *#pull(): AsyncGenerator<{ chunk: { bytes: Uint8Array } }> {
    for (;;) {
      const next = this.#queue.shift();
      if (next !== undefined) yield { chunk: { bytes: next } };
      else if (this.#ended) return;
      else await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  /** Events not yet pulled by the SDK. */
  get queued(): number {
    return this.#queue.length;
  }

  push(event: unknown): void {
    this.#queue.push(encoder.encode(JSON.stringify({ event })));
    this.#wake?.();
  }

  audio(frame: Int16Array): void {
    const content = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).toString('base64');
    this.#queue.push(encoder.encode(JSON.stringify({ event: { audioInput: { promptName: 'P', contentName: 'A', content } } })));
    this.#wake?.();
  }

  end(): void {
    this.#ended = true;
    this.#wake?.();
  }

  async #read(body: AsyncIterable<{ chunk: { bytes: Uint8Array } }>): Promise<void> {
    const response = await this.client.send(new InvokeModelWithBidirectionalStreamCommand({ modelId: 'amazon.nova-2-sonic-v1:0', body }));
    for await (const part of response.body ?? []) {
      const event = (JSON.parse(decoder.decode(part.chunk?.bytes)) as { event: Record<string, { content?: string }> }).event;
      const audioOutput = event.audioOutput;
      if (audioOutput?.content !== undefined) {
        const bytes = Buffer.from(audioOutput.content, 'base64');
        const samples = new Int16Array(bytes.length >> 1);
        new Uint8Array(samples.buffer).set(bytes);
        this.samples += samples.length;
      }
      const text = event.textOutput?.content;
      if (text === 'in-done') this.inDone = true;
      if (text === 'out-done') this.outDone = true;
    }
  }
}

async function until(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`nova bench: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** Sends `frames` ticks of one frame per session, yielding between ticks so the SDK's streams interleave. */
async function tick(frames: number, send: () => void): Promise<void> {
  for (let t = 0; t < frames; t++) {
    send();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

export async function run(opts: { quick: boolean }): Promise<BenchRow[]> {
  const sessions = opts.quick ? 5 : 10;
  const frames = opts.quick ? 50 : 250;
  const outputEvents = opts.quick ? 30 : 100;
  const peer = await startPeer(frames, outputEvents);
  const frame = voice(320, 16000);
  const rows: BenchRow[] = [];
  try {
    // The anchor first, then the provider, then the anchor again: the mean of the two anchor runs evens out warm-up.
    const measure = async (): Promise<{ bareIn: number; bareOut: number }> => {
      const bare = Array.from({ length: sessions }, () => new BareStream(peer.url));
      // Connected and the opening events taken, as the provider's sessions are when start() resolves.
      await until(() => bare.every((s) => s.queued === 0), 30_000, 'bare streams open');
      // A warm-up round, then the measured one.
      await tick(frames, () => bare.forEach((s) => s.audio(frame)));
      await until(() => bare.every((s) => s.inDone), 60_000, 'bare warm-up');
      for (const s of bare) s.inDone = false;
      let start = cpuUs();
      await tick(frames, () => bare.forEach((s) => s.audio(frame)));
      await until(() => bare.every((s) => s.inDone), 60_000, 'bare input');
      const bareIn = (cpuUs() - start) / (sessions * frames);
      start = cpuUs();
      for (const s of bare) {
        s.push({ contentStart: { promptName: 'P', contentName: 'T', type: 'TEXT', interactive: true, role: 'USER', textInputConfiguration: { mediaType: 'text/plain' } } });
        s.push({ textInput: { promptName: 'P', contentName: 'T', content: 'burst' } });
        s.push({ contentEnd: { promptName: 'P', contentName: 'T' } });
      }
      await until(() => bare.every((s) => s.outDone), 60_000, 'bare output');
      const bareOut = (cpuUs() - start) / (sessions * outputEvents);
      for (const s of bare) {
        s.end();
        s.client.destroy();
      }
      return { bareIn, bareOut };
    };
    const first = await measure();

    const engine = createS2S('nova', { extra: { base_url: peer.url, credentials, region: 'us-east-1' } });
    const live: { session: NovaSonicSession; inDone: boolean; outDone: boolean; samples: number }[] = [];
    for (let i = 0; i < sessions; i++) {
      const entry = { session: (await engine.start()) as NovaSonicSession, inDone: false, outDone: false, samples: 0 };
      entry.session.events.subscribe((event: S2SEvent) => {
        if (event.type === 'audio') entry.samples += event.samples.length;
        if (event.type === 'transcript' && event.text === 'in-done') entry.inDone = true;
        if (event.type === 'transcript' && event.text === 'out-done') entry.outDone = true;
      });
      live.push(entry);
    }
    await tick(frames, () => live.forEach((s) => s.session.sendAudio(frame)));
    await until(() => live.every((s) => s.inDone), 60_000, 'provider warm-up');
    for (const s of live) s.inDone = false;
    let start = cpuUs();
    await tick(frames, () => live.forEach((s) => s.session.sendAudio(frame)));
    await until(() => live.every((s) => s.inDone), 60_000, 'provider input');
    const providerIn = (cpuUs() - start) / (sessions * frames);
    start = cpuUs();
    for (const s of live) s.session.sendText('burst');
    await until(() => live.every((s) => s.outDone), 60_000, 'provider output');
    const providerOut = (cpuUs() - start) / (sessions * outputEvents);
    if (live.some((s) => s.samples !== outputEvents * 2400)) throw new Error('nova bench: the provider lost output audio');
    await Promise.all(live.map((s) => s.session.close()));

    const second = await measure();
    const anchorIn = (first.bareIn + second.bareIn) / 2;
    const anchorOut = (first.bareOut + second.bareOut) / 2;
    const notes = `${sessions} sessions interleaved, SDK over HTTP/2 with SigV4 event signing, peer in another process`;
    rows.push({
      name: 'nova input: 20 ms 16 kHz frame to the stream',
      value: providerIn,
      unit: 'us',
      anchor: 'bare SDK stream (base64 + JSON + yield)',
      anchorValue: anchorIn,
      ratio: providerIn / anchorIn,
      target: '<= 1.5x',
      pass: providerIn / anchorIn <= 1.5,
      notes,
    });
    rows.push({
      name: 'nova output: 100 ms 24 kHz audioOutput to samples',
      value: providerOut,
      unit: 'us',
      anchor: 'bare SDK stream (for await + JSON.parse + base64 decode)',
      anchorValue: anchorOut,
      ratio: providerOut / anchorOut,
      target: '<= 1.5x',
      pass: providerOut / anchorOut <= 1.5,
      notes,
    });
  } finally {
    peer.stop();
  }
  return rows;
}

import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { makeFrame } from '@voxframe/core';
import { TwilioTransport, WebSocketTransport } from '@voxframe/transports';
import { RecordedRun, until } from './helpers/session';

/** A socket stand-in whose send buffer the test controls (a stalled network). */
class FakeSocket extends EventEmitter {
  readyState = 1;
  bufferedAmount = 0;
  binaryType = 'nodebuffer';
  readonly sent: (string | Buffer)[] = [];
  send(data: string | Buffer): void {
    this.sent.push(data);
  }
  close(code = 1000, reason = ''): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.emit('close', code, Buffer.from(reason));
  }
  deliver(text: string): void {
    this.emit('message', Buffer.from(text), false);
  }
}

const audio = (rate: number) => makeFrame('audio.output', { samples: new Int16Array(rate / 50), sampleRate: rate, channels: 1, utteranceId: 'u' });

test('Twilio output drops audio while the send buffer is over its limit: one recoverable error, then a drop count metric', async () => {
  const socket = new FakeSocket();
  const transport = new TwilioTransport(socket as unknown as WebSocket, { maxBufferedBytes: 1000, pingIntervalMs: 0 });
  const run = new RecordedRun([transport.input(), transport.output()]);
  socket.deliver(JSON.stringify({ event: 'start', sequenceNumber: '1', streamSid: 'MZ1', start: { streamSid: 'MZ1', accountSid: 'AC', callSid: 'CA', tracks: ['inbound'], customParameters: {}, mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 } } }));
  await run.waitFor((f) => f.type === 'start');
  socket.bufferedAmount = 5000;
  for (let i = 0; i < 5; i++) run.runner.push(audio(8000));
  await until(() => run.of('error', 'upstream').length === 1, 3000, 'error');
  expect(socket.sent.filter((m) => String(m).includes('"media"'))).toHaveLength(0);
  expect(run.of('error', 'upstream')[0]).toMatchObject({ fatal: false, error: { code: 'send_buffer_full' } });
  socket.bufferedAmount = 0;
  run.runner.push(audio(8000));
  const metrics = await run.waitFor((f) => f.type === 'metrics');
  expect(metrics).toMatchObject({ metrics: [{ kind: 'queue-overflow', dropped: 5 }] });
  expect(socket.sent.filter((m) => String(m).includes('"media"'))).toHaveLength(1);
  expect(run.of('error', 'upstream')).toHaveLength(1);
  await run.runner.cancel();
});

test('browser output applies the same policy', async () => {
  const socket = new FakeSocket();
  const transport = new WebSocketTransport(socket as unknown as WebSocket, { maxBufferedBytes: 1000, pingIntervalMs: 0 });
  const run = new RecordedRun([transport.input(), transport.output()]);
  socket.deliver(JSON.stringify({ type: 'hello', version: 1, sampleRate: 16000, outputSampleRate: 16000 }));
  await run.waitFor((f) => f.type === 'start');
  socket.bufferedAmount = 5000;
  run.runner.push(audio(16000));
  run.runner.push(audio(16000));
  await until(() => run.of('error', 'upstream').length === 1, 3000, 'error');
  socket.bufferedAmount = 0;
  run.runner.push(audio(16000));
  await run.waitFor((f) => f.type === 'metrics');
  expect(socket.sent.filter((m) => Buffer.isBuffer(m))).toHaveLength(1);
  await run.runner.cancel();
});

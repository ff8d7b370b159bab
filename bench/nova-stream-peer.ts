/**
 * The far end of the Nova benchmark, in its own process so its CPU is not counted: an HTTP/2 server that speaks the
 * Bedrock event-stream framing without checking signatures. Per stream it counts `audioInput` events and, at
 * every `audioFrames`, answers with a USER text `in-done`; on an interactive `textInput` it sends one AUDIO block of
 * `outputEvents` 100 ms `audioOutput` events and a FINAL text `out-done`.
 *
 *   tsx bench/nova-stream-peer.ts <audioFrames> <outputEvents>   (prints "port N"; exits when stdin closes)
 */
import { createServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { MessageSplitter, decodeMessage, eventMessage } from '../packages/s2s-nova/src/testing/event-stream';

const audioFrames = Number(process.argv[2] ?? 250);
const outputEvents = Number(process.argv[3] ?? 100);
const audio100ms = (() => {
  const samples = new Int16Array(2400);
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(4000 * Math.sin((2 * Math.PI * 330 * i) / 24000));
  return Buffer.from(samples.buffer).toString('base64');
})();

const server = createServer();
server.on('stream', (stream) => {
  stream.on('error', () => undefined);
  stream.respond({ ':status': 200, 'content-type': 'application/vnd.amazon.eventstream' });
  const splitter = new MessageSplitter();
  let audio = 0;
  let content = 0;
  let base = {};
  const send = (name: string, body: object): void => {
    if (!stream.closed) stream.write(eventMessage({ event: { [name]: { ...base, ...body } } }));
  };
  const text = (role: string, value: string): void => {
    const contentId = `c${++content}`;
    send('contentStart', { contentId, type: 'TEXT', role, additionalModelFields: '{"generationStage":"FINAL"}' });
    send('textOutput', { contentId, content: value, role });
    send('contentEnd', { contentId, type: 'TEXT', stopReason: role === 'USER' ? 'PARTIAL_TURN' : 'END_TURN' });
  };
  stream.on('data', (chunk: Buffer) => {
    for (const bytes of splitter.push(chunk)) {
      const outer = decodeMessage(bytes);
      if (outer.body.length === 0) {
        stream.end();
        continue;
      }
      const inner = decodeMessage(outer.body);
      const event = (JSON.parse(Buffer.from((JSON.parse(Buffer.from(inner.body).toString()) as { bytes: string }).bytes, 'base64').toString()) as { event: Record<string, { promptName?: string; content?: string }> }).event;
      const [name] = Object.keys(event);
      if (name === 'promptStart') base = { sessionId: 's', promptName: event.promptStart?.promptName, completionId: 'c' };
      if (name === 'audioInput' && ++audio % audioFrames === 0) {
        if (audio === audioFrames) send('completionStart', {});
        text('USER', 'in-done');
      }
      if (name === 'textInput') {
        const contentId = `c${++content}`;
        send('contentStart', { contentId, type: 'AUDIO', role: 'ASSISTANT' });
        for (let i = 0; i < outputEvents; i++) send('audioOutput', { contentId, content: audio100ms });
        send('contentEnd', { contentId, type: 'AUDIO', stopReason: 'END_TURN' });
        text('ASSISTANT', 'out-done');
      }
    }
  });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`port ${(server.address() as AddressInfo).port}\n`));
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();

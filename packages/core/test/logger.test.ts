import { createLogger } from '@voxframe/core';
import { Writable } from 'node:stream';

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

describe('logging', () => {
  test('API keys, tokens and audio payloads never reach a log line', () => {
    const { lines, stream } = capture();
    const logger = createLogger({ level: 'debug', destination: stream });
    logger.info({ apiKey: 'sk-secret-1', config: { extra: { api_key: 'sk-secret-2' } }, headers: { authorization: 'Bearer sk-secret-3' } }, 'connecting');
    logger.info({ event: { type: 'input_audio_buffer.append', audio: 'UklGRiQAAABXQVZFZm10IBAAAAABAAEA' } }, 'sent');
    logger.child({ session: 's1' }).info({ frame: { samples: new Int16Array(480), sampleRate: 24000 } }, 'frame');
    const output = lines.join('');
    expect(output).not.toMatch(/sk-secret/);
    expect(output).not.toContain('UklGRiQAAABXQVZF');
    expect(output).toContain('[redacted]');
    expect(output).toContain('"sampleRate":24000');
    expect(lines).toHaveLength(3);
  });

  test('binary values in other fields are summarised, not dumped', () => {
    const { lines, stream } = capture();
    createLogger({ level: 'info', destination: stream }).info({ chunk: new Uint8Array(1000) }, 'x');
    expect(lines[0]).toContain('[Uint8Array 1000 bytes]');
  });

  test('the pretty format (VOXFRAME_LOG_FORMAT=pretty) writes readable lines, still redacted', () => {
    const { lines, stream } = capture();
    const saved = process.env.VOXFRAME_LOG_FORMAT;
    process.env.VOXFRAME_LOG_FORMAT = 'pretty';
    try {
      createLogger({ destination: stream, level: 'info' }).info({ apiKey: 'sk-secret', session: 's1' }, 'connected');
    } finally {
      if (saved === undefined) delete process.env.VOXFRAME_LOG_FORMAT;
      else process.env.VOXFRAME_LOG_FORMAT = saved;
    }
    const output = lines.join('');
    expect(output).toMatch(/INFO.*connected/);
    expect(() => JSON.parse(output) as unknown).toThrow();
    expect(output).not.toContain('sk-secret');
  });

  test('with a destination, auto and json write one JSON object per line', () => {
    for (const format of ['auto', 'json'] as const) {
      const { lines, stream } = capture();
      createLogger({ destination: stream, format, level: 'info' }).info('hello');
      expect(JSON.parse(lines.join(''))).toEqual(expect.objectContaining({ msg: 'hello', level: 30 }));
    }
  });
});

/**
 * Fuzzing of the inbound parsers (browser control protocol, Twilio, Telnyx) with fast-check: random text and
 * mutations of valid messages never throw, and every rejection carries a short reason (which the transports turn
 * into a typed `transport_protocol` error). The live-socket fuzz tests check the transports around them.
 */
import fc from 'fast-check';
import { parseClientMessage, parseTwilioMessage, telnyxDialect, twilioDialect } from '@voxframe/transports';
import { FUZZ_RUNS, garbageText, mutatedText } from './helpers/fuzz';

const twilioValid = [
  { event: 'connected', protocol: 'Call', version: '1.0.0' },
  {
    event: 'start', sequenceNumber: '1', streamSid: 'MZ1',
    start: { streamSid: 'MZ1', accountSid: 'AC1', callSid: 'CA1', tracks: ['inbound'], customParameters: { a: 'b' }, mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 } },
  },
  { event: 'media', sequenceNumber: '2', streamSid: 'MZ1', media: { track: 'inbound', chunk: '1', timestamp: '5', payload: 'f39/fw==' } },
  { event: 'dtmf', sequenceNumber: '3', streamSid: 'MZ1', dtmf: { track: 'inbound_track', digit: '5' } },
  { event: 'mark', sequenceNumber: '4', streamSid: 'MZ1', mark: { name: 'm1' } },
  { event: 'stop', sequenceNumber: '5', streamSid: 'MZ1', stop: { accountSid: 'AC1', callSid: 'CA1' } },
];

const telnyxValid = [
  { event: 'connected', version: '1.0.0' },
  { event: 'start', sequence_number: '1', stream_id: 's1', start: { call_control_id: 'v3:c', media_format: { encoding: 'PCMU', sample_rate: 8000, channels: 1 } } },
  { event: 'media', sequence_number: '2', stream_id: 's1', media: { track: 'inbound', chunk: '1', timestamp: '0', payload: 'f39/fw==' } },
  { event: 'dtmf', stream_id: 's1', payload: { digit: '#' } },
  { event: 'mark', stream_id: 's1', mark: { name: 'm' } },
  { event: 'stop', stream_id: 's1' },
  { event: 'error', payload: { code: 100003, title: 'Malformed frame', detail: 'short' } },
];

const browserValid = [
  { type: 'hello', version: 1, sampleRate: 16000, outputSampleRate: 48000, client: 'test' },
  { type: 'played', utteranceId: 'u1', playedMs: 120, final: false },
  { type: 'text', text: 'hello' },
  { type: 'interrupt' },
  { type: 'bye' },
];

type Parse = { ok: true } | { ok: false; reason: string };

function checkParse(result: Parse): void {
  expect(typeof result.ok).toBe('boolean');
  if (!result.ok) {
    expect(typeof result.reason).toBe('string');
    expect(result.reason.length).toBeGreaterThan(0);
    // Reasons quote at most a short slice of the input: a 5000-character field never ends up in a log line whole.
    expect(result.reason.length).toBeLessThan(200);
  }
}

const parsers: [string, (text: string) => Parse, readonly unknown[]][] = [
  ['twilio (parseTwilioMessage)', parseTwilioMessage, twilioValid],
  ['twilio dialect', (t) => twilioDialect.parse(t), twilioValid],
  ['telnyx dialect', (t) => telnyxDialect.parse(t), telnyxValid],
  ['browser control protocol', parseClientMessage, browserValid],
];

describe.each(parsers)('%s', (_name, parse, valid) => {
  test('the valid messages parse', () => {
    for (const message of valid) expect(parse(JSON.stringify(message)).ok).toBe(true);
  });

  test('random text never throws; rejections carry a short reason', () => {
    fc.assert(fc.property(garbageText, (text) => checkParse(parse(text))), { numRuns: FUZZ_RUNS });
  });

  test('mutated valid messages never throw; rejections carry a short reason', () => {
    fc.assert(fc.property(mutatedText(valid as never[]), (text) => checkParse(parse(text))), { numRuns: FUZZ_RUNS * 3 });
  });
});

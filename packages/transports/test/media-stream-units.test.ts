import { alaw, mulaw } from 'alawmulaw';
import { MarkTracker } from '../src/media-stream/mark-tracker';
import { isValidTwilioSignature, isValidTwilioWebhook, parseTwilioMessage, telnyxDialect, twilioDialect, twilioSignature, twilioSignatureAuthenticator } from '@voxframe/transports';
import { decodePayload, encodeSamples } from '../src/media-stream/codec';

describe('MarkTracker (the telephony playback clock)', () => {
  test('an echoed mark proves what played; marks placed before a clear prove nothing', () => {
    const tracker = new MarkTracker();
    const a = tracker.place('u1', 100, false);
    const b = tracker.place('u1', 200, false);
    expect(tracker.echo(a)).toEqual({ utteranceId: 'u1', playedMs: 100, final: false });
    expect(tracker.clear('u1')).toEqual({ utteranceId: 'u1', playedMs: 100, final: false });
    expect(tracker.echo(b)).toBeUndefined();
    expect(tracker.pendingCount).toBe(0);
  });

  test('clear reports nothing for an utterance with no confirmed mark, and unknown echoes are ignored', () => {
    const tracker = new MarkTracker();
    tracker.place('u1', 100, false);
    expect(tracker.clear('u1')).toBeUndefined();
    expect(tracker.echo('vf:9:9')).toBeUndefined();
  });

  test('finalize turns a pending mark into the final one; an already echoed mark cannot be finalized', () => {
    const tracker = new MarkTracker();
    const a = tracker.place('u1', 100, false);
    expect(tracker.finalize(a)).toBe(true);
    expect(tracker.echo(a)).toMatchObject({ final: true });
    expect(tracker.finalize(a)).toBe(false);
  });

  test('pending marks are bounded for carriers that never echo', () => {
    const tracker = new MarkTracker(8);
    for (let i = 0; i < 100; i++) tracker.place('u', i, false);
    expect(tracker.pendingCount).toBe(8);
  });
});

describe('G.711 payload codec', () => {
  const all = new Int16Array(65536);
  for (let i = 0; i < 65536; i++) all[i] = i - 32768;
  const bytes = new Uint8Array(256);
  for (let i = 0; i < 256; i++) bytes[i] = i;

  test('mu-law encode and decode are bit-exact with alawmulaw over every input', () => {
    expect(Buffer.from(encodeSamples('PCMU', all))).toEqual(Buffer.from(mulaw.encode(all)));
    expect(Array.from(decodePayload('PCMU', bytes))).toEqual(Array.from(mulaw.decode(bytes)));
  });

  test('A-law encode and decode are bit-exact with alawmulaw over every input', () => {
    expect(Buffer.from(encodeSamples('PCMA', all))).toEqual(Buffer.from(alaw.encode(all)));
    expect(Array.from(decodePayload('PCMA', bytes))).toEqual(Array.from(alaw.decode(bytes)));
  });

  test('L16 is big-endian on the wire', () => {
    const wire = encodeSamples('L16', new Int16Array([0x0102, -2]));
    expect(Array.from(wire)).toEqual([0x01, 0x02, 0xff, 0xfe]);
    expect(Array.from(decodePayload('L16', wire))).toEqual([0x0102, -2]);
  });
});

describe('Twilio message parsing', () => {
  test('integers sent as strings are accepted; missing fields and bad digits are rejected with a reason', () => {
    const media = parseTwilioMessage('{"event":"media","sequenceNumber":"3","streamSid":"MZ1","media":{"track":"inbound","chunk":"2","timestamp":"20","payload":"AAAA"}}');
    expect(media).toMatchObject({ ok: true, message: { sequenceNumber: 3, media: { chunk: 2, timestamp: 20 } } });
    expect(parseTwilioMessage('{"event":"media","sequenceNumber":"x","streamSid":"MZ1"}')).toMatchObject({ ok: false, reason: expect.stringMatching(/sequenceNumber/) });
    expect(parseTwilioMessage('{"event":"dtmf","sequenceNumber":"1","streamSid":"MZ1","dtmf":{"digit":"12"}}')).toMatchObject({ ok: false });
    expect(parseTwilioMessage('[1,2]')).toMatchObject({ ok: false });
  });

  test('outbound messages follow the protocol note §3', () => {
    expect(JSON.parse(twilioDialect.media('MZ1', 'AAAA'))).toEqual({ event: 'media', streamSid: 'MZ1', media: { payload: 'AAAA' } });
    expect(JSON.parse(twilioDialect.mark('MZ1', 'm'))).toEqual({ event: 'mark', streamSid: 'MZ1', mark: { name: 'm' } });
    expect(JSON.parse(twilioDialect.clear('MZ1'))).toEqual({ event: 'clear', streamSid: 'MZ1' });
  });

  test('start with an unsupported encoding is refused', () => {
    const start = { event: 'start', sequenceNumber: '1', streamSid: 'MZ1', start: { mediaFormat: { encoding: 'audio/ogg', sampleRate: 8000, channels: 1 } } };
    expect(twilioDialect.parse(JSON.stringify(start))).toMatchObject({ ok: false, reason: expect.stringMatching(/unsupported encoding/) });
  });
});

describe('Telnyx dialect (protocol note §7)', () => {
  test('snake_case start with codec and rate becomes a neutral start event', () => {
    const parsed = telnyxDialect.parse(JSON.stringify({
      event: 'start',
      sequence_number: '1',
      stream_id: 'st-1',
      start: { call_control_id: 'v3:abc', media_format: { encoding: 'L16', sample_rate: 16000, channels: 1 }, custom_parameters: { tenant: 'acme' } },
    }));
    expect(parsed).toEqual({
      ok: true,
      event: { kind: 'start', start: { streamId: 'st-1', callId: 'v3:abc', accountId: '', customParameters: { tenant: 'acme' }, codec: 'L16', sampleRate: 16000, channels: 1, tracks: ['inbound'] } },
    });
  });

  test('media, dtmf, mark, stop and error frames parse; outbound messages carry no stream id', () => {
    expect(telnyxDialect.parse('{"event":"media","sequence_number":"4","stream_id":"s","media":{"track":"inbound","chunk":"3","timestamp":"40","payload":"AAAA"}}'))
      .toEqual({ ok: true, event: { kind: 'media', track: 'inbound', chunk: 3, timestampMs: 40, payload: 'AAAA', streamId: 's' } });
    expect(telnyxDialect.parse('{"event":"dtmf","dtmf":{"digit":"7"}}')).toEqual({ ok: true, event: { kind: 'dtmf', digit: '7' } });
    expect(telnyxDialect.parse('{"event":"mark","mark":{"name":"m1"}}')).toEqual({ ok: true, event: { kind: 'mark', name: 'm1' } });
    expect(telnyxDialect.parse('{"event":"stop"}')).toEqual({ ok: true, event: { kind: 'stop' } });
    expect(telnyxDialect.parse('{"event":"error","payload":{"code":100002,"title":"Unknown error","detail":"bad frame"}}'))
      .toEqual({ ok: true, event: { kind: 'provider-error', code: '100002', message: 'bad frame' } });
    expect(JSON.parse(telnyxDialect.media('s', 'AAAA'))).toEqual({ event: 'media', media: { payload: 'AAAA' } });
    expect(JSON.parse(telnyxDialect.clear('s'))).toEqual({ event: 'clear' });
    expect(JSON.parse(telnyxDialect.mark('s', 'm'))).toEqual({ event: 'mark', mark: { name: 'm' } });
    expect(telnyxDialect.parse('{"event":"start","start":{"media_format":{"encoding":"OPUS"}},"stream_id":"s"}')).toMatchObject({ ok: false });
  });
});

describe('Twilio signatures', () => {
  // Twilio's documented known vector (docs, Webhooks security): this URL, these POST params, auth token 12345.
  const params = { CallSid: 'CA1234567890ABCDE', Caller: '+12349013030', Digits: '1234', From: '+12349013030', To: '+18005551212' };
  const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';

  test('signatures follow the documented algorithm and are checked in constant time', () => {
    expect(twilioSignature('12345', url, params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    expect(isValidTwilioSignature('12345', url, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=', params)).toBe(true);
    expect(isValidTwilioSignature('12345', url, '0/KCTR6DLpKmkAf8muzZqo1nDgR=', params)).toBe(false);
    expect(isValidTwilioSignature('12345', url, 'short', params)).toBe(false);
  });

  test('the authenticator accepts matching signatures and refuses wrong and (by default) missing ones', () => {
    const auth = twilioSignatureAuthenticator({ authToken: 'tok', publicUrl: 'wss://agent.example.com/' });
    const lax = twilioSignatureAuthenticator({ authToken: 'tok', publicUrl: 'wss://agent.example.com', requireSignature: false });
    const fromHost = twilioSignatureAuthenticator({ authToken: 'tok' });
    const request = (signature?: string) => ({ url: '/twilio', headers: { host: 'agent.example.com', ...(signature ? { 'x-twilio-signature': signature } : {}) } }) as never;
    const good = twilioSignature('tok', 'wss://agent.example.com/twilio');
    expect(auth(request(good))).toBe(true);
    expect(auth(request())).toBe(false);
    expect(auth(request('AAAA'))).toBe(false);
    expect(lax(request())).toBe(true);
    expect(lax(request('AAAA'))).toBe(false);
    expect(fromHost(request(good))).toBe(true);
  });

  test('webhooks (the TwiML request) are checked over the full URL with its query string and the POST form', () => {
    const request = (signature: string | undefined, url: string) => ({ url, headers: { host: 'mycompany.com', ...(signature ? { 'x-twilio-signature': signature } : {}) } }) as never;
    const signature = twilioSignature('12345', url, params);
    expect(isValidTwilioWebhook(request(signature, '/myapp.php?foo=1&bar=2'), { authToken: '12345', params })).toBe(true);
    expect(isValidTwilioWebhook(request(signature, '/myapp.php?foo=1&bar=3'), { authToken: '12345', params })).toBe(false);
    expect(isValidTwilioWebhook(request(undefined, '/myapp.php?foo=1&bar=2'), { authToken: '12345', params })).toBe(false);
  });
});

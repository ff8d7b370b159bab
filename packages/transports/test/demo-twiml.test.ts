/**
 * The demo's TwiML webhook (demo/twiml-route.ts) on a real HTTP server on 127.0.0.1, and the package helpers under
 * it (`readTwilioWebhook`, `twilioStreamTwiml`): GET and POST, query strings, signatures.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { twilioSignature, twilioStreamTwiml } from '@voxframe/transports';
import { answerTwiml, isTwimlRequest, type TwimlRouteOptions } from '../../../demo/twiml-route';
import { httpRequest } from './helpers/session';

let server: Server;
let base: string;

async function serve(options: Omit<TwimlRouteOptions, 'streamPath'>): Promise<void> {
  server = createServer((req, res) => {
    if (isTwimlRequest(req)) {
      void answerTwiml(req, res, { streamPath: '/twilio', ...options });
      return;
    }
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const form = { CallSid: 'CA42', From: '+15551234567', To: '+15557654321' };

test('/twiml answers GET and POST, with or without a query string, with a stream to /twilio', async () => {
  await serve({ publicUrl: 'https://agent.example.com' });
  for (const url of ['/twiml', '/twiml?x=1', '/twiml?x=1&y=two']) {
    const get = await httpRequest(base + url);
    expect(get.status).toBe(200);
    expect(get.headers['content-type']).toBe('text/xml');
    expect(get.text).toContain('<Stream url="wss://agent.example.com/twilio">');
    const post = await httpRequest(base + url, { method: 'POST', body: new URLSearchParams(form).toString() });
    expect(post.status).toBe(200);
    expect(post.text).toContain('<Parameter name="callSid" value="CA42"/>');
  }
  expect((await httpRequest(base + '/twiml', { method: 'PUT' })).status).toBe(405);
  expect((await httpRequest(base + '/twimlx')).status).toBe(404);
});

test('with an auth token, /twiml needs a valid signature over the full URL and the POST form (403 otherwise)', async () => {
  await serve({ authToken: 'tok', publicUrl: 'https://agent.example.com' });
  const url = 'https://agent.example.com/twiml?x=1';
  const good = twilioSignature('tok', url, form);
  const post = (signature?: string, path = '/twiml?x=1') =>
    httpRequest(base + path, { method: 'POST', body: new URLSearchParams(form).toString(), headers: signature ? { 'X-Twilio-Signature': signature } : {} });
  expect((await post(good)).status).toBe(200);
  expect((await post()).status).toBe(403);
  expect((await post('AAAA')).status).toBe(403);
  expect((await post(good, '/twiml?x=2')).status).toBe(403); // the query string is signed too
  const getSigned = await httpRequest(base + '/twiml?x=1', { headers: { 'X-Twilio-Signature': twilioSignature('tok', url) } });
  expect(getSigned.status).toBe(200);
});

test('twilioStreamTwiml escapes parameter values and the URL', () => {
  const xml = twilioStreamTwiml({ streamUrl: 'wss://a.example/twilio', parameters: { note: '<b>"&\'' }, statusCallback: 'https://a.example/s?x=1&y=2' });
  expect(xml).toContain('<Parameter name="note" value="&lt;b&gt;&quot;&amp;&apos;"/>');
  expect(xml).toContain('statusCallback="https://a.example/s?x=1&amp;y=2"');
  expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n  <Connect>')).toBe(true);
});

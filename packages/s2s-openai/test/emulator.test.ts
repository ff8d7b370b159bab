import { concatSamples, scriptedReplies, silence, speechLike, type RealtimeEmulator } from '@voxframe/s2s-openai/testing';
import { connectRaw } from './support/raw-client';
import { createServerEventValidator } from './support/schemas';
import { engineFor, sendFrames, startEmulator, startSession } from './support/harness';

describe('the Realtime emulator behaves like the service', () => {
  let emulator: RealtimeEmulator;
  const url = (): string => `${emulator.baseUrl}/realtime?model=gpt-realtime-2.1`;

  beforeEach(async () => {
    emulator = await startEmulator({ apiKey: 'right' });
  });

  afterEach(async () => {
    await emulator.close();
  });

  it('checks the handshake: key (Bearer or Azure api-key), path and model', async () => {
    await expect(connectRaw(url(), {})).rejects.toMatchObject({ status: 401 });
    await expect(connectRaw(url(), { Authorization: 'Bearer wrong' })).rejects.toMatchObject({ status: 401 });
    await expect(connectRaw(`${emulator.baseUrl}/chat?model=x`, { Authorization: 'Bearer right' })).rejects.toMatchObject({ status: 404 });
    await expect(connectRaw(`${emulator.baseUrl}/realtime`, { Authorization: 'Bearer right' })).rejects.toMatchObject({ status: 400 });
    const azure = await connectRaw(url(), { 'api-key': 'right' });
    expect((await azure.waitFor('session.created')).session).toMatchObject({ type: 'realtime', model: 'gpt-realtime-2.1' });
    azure.close();
  });

  it('answers the retired beta interface with beta_api_shape_disabled and close 4000', async () => {
    const beta = await connectRaw(url(), { Authorization: 'Bearer right', 'OpenAI-Beta': 'realtime=v1' });
    expect((await beta.waitFor('error')).error).toMatchObject({ code: 'beta_api_shape_disabled', type: 'invalid_request_error' });
    expect((await beta.closed).code).toBe(4000);
    const ga = await connectRaw(url(), { Authorization: 'Bearer right' });
    await ga.waitFor('session.created');
    ga.send({ type: 'session.update', session: { modalities: ['audio', 'text'], voice: 'alloy', input_audio_format: 'pcm16' } });
    expect((await ga.waitFor('error')).error).toMatchObject({ code: 'beta_api_shape_disabled' });
    expect((await ga.closed).code).toBe(4000);
  });

  it('answers malformed events with the service errors, echoing event_id, and keeps the session open', async () => {
    const client = await connectRaw(url(), { Authorization: 'Bearer right' });
    await client.waitFor('session.created');
    client.sendText('{not json');
    client.send({ event_id: 'e1' });
    client.send({ type: 'response.explode', event_id: 'e2' });
    client.send({ type: 'input_audio_buffer.clear', event_id: 'e3', extra_field: 1 });
    client.send({ type: 'session.update', event_id: 'e4', session: { type: 'realtime', audio: { output: { voicee: 'alloy' } } } });
    client.send({ type: 'conversation.item.truncate', event_id: 'e5', item_id: 'item_x', content_index: 0 });
    await waitForCount(client, 'error', 6);
    const errors = client.events.filter((e) => e.type === 'error').map((e) => e.error as Record<string, unknown>);
    expect(errors.map((e) => [e.code, e.param, e.event_id])).toEqual([
      ['invalid_event', null, null],
      ['invalid_event', null, 'e1'],
      ['invalid_value', 'type', 'e2'],
      ['unknown_parameter', 'extra_field', 'e3'],
      ['unknown_parameter', 'session.audio.output.voicee', 'e4'], // from the SDK-generated schema
      ['missing_required_parameter', 'audio_end_ms', 'e5'],
    ]);
    expect(emulator.issues).toHaveLength(6);
    client.send({ type: 'input_audio_buffer.clear' });
    await client.waitFor('input_audio_buffer.cleared');
    client.close();
  });

  it('refuses state errors as the service does', async () => {
    emulator.script = scriptedReplies({ say: 'One two three four five six seven.', audioMs: 600 });
    const client = await connectRaw(url(), { Authorization: 'Bearer right' });
    await client.waitFor('session.created');
    client.send({ type: 'input_audio_buffer.commit', event_id: 'c1' });
    client.send({ type: 'response.cancel', event_id: 'c2' });
    client.send({ type: 'conversation.item.create', event_id: 'c3', item: { type: 'function_call_output', call_id: 'call_nope', output: 'x' } });
    client.send({ type: 'conversation.item.create', event_id: 'c4', item: { type: 'message', role: 'assistant', content: [{ type: 'output_audio', transcript: 'hi' }] } });
    client.send({ type: 'response.create', event_id: 'c5' });
    client.send({ type: 'response.create', event_id: 'c6' });
    const done = await client.waitFor('response.done');
    const assistant = (done.response as { output: { id: string }[] }).output[0].id;
    client.send({ type: 'conversation.item.truncate', event_id: 'c7', item_id: assistant, content_index: 0, audio_end_ms: 5000 });
    client.send({ type: 'conversation.item.truncate', event_id: 'c8', item_id: assistant, content_index: 0, audio_end_ms: 250.5 });
    client.send({ type: 'conversation.item.truncate', event_id: 'c9', item_id: assistant, content_index: 0, audio_end_ms: 250 });
    await client.waitFor('conversation.item.truncated');
    const errors = client.events.filter((e) => e.type === 'error').map((e) => e.error as Record<string, unknown>);
    expect(errors.map((e) => [e.event_id, e.code])).toEqual([
      ['c1', 'invalid_value'],
      ['c2', 'response_cancel_not_active'],
      ['c3', 'invalid_value'],
      ['c4', 'invalid_value'],
      ['c6', 'conversation_already_has_active_response'],
      ['c7', 'invalid_value'],
      ['c8', 'invalid_value'],
    ]);
    expect(String(errors[0].message)).toMatch(/buffer too small/);
    expect(String(errors[5].message)).toMatch(/already shorter than 5000ms/);
    expect(emulator.session.truncations).toEqual([{ itemId: assistant, audioEndMs: 250 }]);
    expect(emulator.issues).toEqual([]); // state errors are not malformed events
    client.close();
  });

  it('sends only server events that match the official SDK types (nulls and documented session extras aside)', async () => {
    const validate = createServerEventValidator();
    await emulator.close();
    emulator = await startEmulator({ sendConversationCreated: true });
    emulator.script = scriptedReplies(
      { say: 'Hi.', toolCalls: [{ name: 'lookup', arguments: { q: 'x' } }] },
      { say: 'Done.' },
    );
    const { session, log } = await startSession(
      engineFor(emulator, {}, { tools: [{ name: 'lookup', parameters: { type: 'object', properties: { q: { type: 'string' } } } }] }),
    );
    await sendFrames(session, concatSamples(speechLike(400), silence(700)));
    const call = await log.waitFor('tool.call');
    session.sendToolResult({ callId: call.callId, name: call.name, output: '"ok"' });
    await log.waitFor('transcript', (t) => t.final && t.text === 'Done.');
    session.interrupt({ playedMs: 10 });
    await session.close();
    const sent = emulator.session.sent;
    const types = new Set(sent.map((e) => String(e.type)));
    for (const expected of ['session.created', 'conversation.created', 'session.updated', 'input_audio_buffer.speech_started', 'input_audio_buffer.committed',
      'conversation.item.input_audio_transcription.completed', 'response.created', 'rate_limits.updated', 'response.output_audio.delta',
      'response.function_call_arguments.done', 'response.done', 'conversation.item.truncated']) {
      expect(types).toContain(expected);
    }
    const problems = sent.flatMap((event) => validate(event));
    expect(problems).toEqual([]);
    // The validator is strict: a wrong status or an unknown field is caught.
    expect(validate({ type: 'response.done', event_id: 'e', response: { status: 'exploded' } })).not.toEqual([]);
    expect(validate({ type: 'response.output_audio.delta', event_id: 'e', response_id: 'r', item_id: 'i', output_index: 0, content_index: 0, delta: '', extra: 1 })).not.toEqual([]);
  });
});

async function waitForCount(client: { events: Record<string, unknown>[] }, type: string, count: number): Promise<void> {
  const deadline = Date.now() + 3000;
  while (client.events.filter((e) => e.type === type).length < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} ${type} events, got ${client.events.map((e) => String(e.type)).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

// The demo page: wires the voxframe browser client to the controls, meters, transcript, latency table and log.
import { VoiceClient } from '/voxframe-client.js';

const $ = (id) => document.getElementById(id);
const talk = $('talk');
const interruptButton = $('interrupt');
const statusEl = $('status');
const state = { client: undefined, turns: 0, log: [] };
// Exposed for automated tests (Playwright reads it); not an API.
window.voxframeDemo = { state: 'idle', events: [], latencies: [], flushes: 0, audioStarts: 0, played: [], errors: [], agent: undefined };

function log(text, cls) {
  const li = document.createElement('li');
  li.textContent = `${new Date().toISOString().slice(11, 23)}  ${text}`;
  if (cls) li.className = cls;
  const list = $('events');
  list.prepend(li);
  while (list.children.length > 200) list.lastChild.remove();
}

function setStatus(s, text) {
  statusEl.dataset.state = s;
  statusEl.textContent = text;
}

function addTranscript(role, text) {
  const li = document.createElement('li');
  li.className = role;
  li.textContent = `${role === 'user' ? 'you' : 'bot'}: ${text}`;
  $('transcript').append(li);
}

async function start() {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const client = new VoiceClient({ url: `${scheme}://${location.host}/voice`, sampleRate: 16000 });
  state.client = client;
  client.addEventListener('ready', (e) => {
    const agent = e.detail.agent ?? {};
    window.voxframeDemo.agent = agent;
    $('agent').textContent = `Agent: ${agent.description ?? agent.provider ?? 'unknown'}`;
    const hint = $('hint');
    hint.hidden = !agent.hint;
    hint.textContent = agent.hint ?? '';
    log(`session ${e.detail.sessionId} ready (mic ${e.detail.inputSampleRate} Hz, playback ${e.detail.outputSampleRate} Hz)`);
  });
  client.addEventListener('server-event', (e) => {
    const { name, data } = e.detail;
    window.voxframeDemo.events.push({ name, data, at: performance.now() });
    if (name === 'turn.latency') {
      state.turns += 1;
      window.voxframeDemo.latencies.push(data);
      const row = document.createElement('tr');
      row.innerHTML = `<td>${state.turns}</td><td>${data.totalMs} ms</td><td>${data.vadMs} ms</td><td>${data.responseMs} ms</td>`;
      $('latency').querySelector('tbody').append(row);
    }
    if (name === 'vad.decision') log(`VAD: ${data.speaking ? 'speech started' : `speech ended (decided ${data.decisionDelayMs} ms later)`} at ${data.ptsMs} ms`);
    else if (name !== 'turn.latency') log(`${name}${data ? ' ' + JSON.stringify(data) : ''}`);
    if (name === 'user.started-speaking') setStatus('user', 'you are speaking');
    if (name === 'user.stopped-speaking') setStatus('idle', 'listening');
  });
  client.addEventListener('audio-start', (e) => {
    window.voxframeDemo.audioStarts += 1;
    window.voxframeDemo.state = 'bot';
    setStatus('bot', 'bot is speaking');
    log(`bot audio ${e.detail.utteranceId} (${e.detail.sampleRate} Hz)`);
  });
  client.addEventListener('played', (e) => {
    window.voxframeDemo.played.push(e.detail);
    if (e.detail.final) {
      window.voxframeDemo.state = 'listening';
      setStatus('idle', 'listening');
    }
  });
  client.addEventListener('flush', () => {
    window.voxframeDemo.flushes += 1;
    log('barge-in: playback flushed');
  });
  client.addEventListener('transcript', (e) => e.detail.final && addTranscript(e.detail.role, e.detail.text));
  client.addEventListener('text', (e) => addTranscript(e.detail.role, e.detail.text));
  client.addEventListener('error', (e) => {
    window.voxframeDemo.errors.push(e.detail);
    log(`error ${e.detail.code}: ${e.detail.message}`, 'error');
  });
  client.addEventListener('level', (e) => {
    $('mic-level').value = Math.min(1, e.detail.input * 4);
    $('bot-level').value = Math.min(1, e.detail.output * 4);
  });
  client.addEventListener('close', (e) => {
    log(`connection closed (${e.detail.code})`);
    stopUi();
  });
  await client.start();
  window.voxframeDemo.state = 'listening';
  setStatus('idle', 'listening');
}

function stopUi() {
  talk.setAttribute('aria-pressed', 'false');
  talk.textContent = 'Start talking';
  interruptButton.disabled = true;
  setStatus('idle', 'idle');
  window.voxframeDemo.state = 'idle';
}

talk.addEventListener('click', async () => {
  if (talk.getAttribute('aria-pressed') === 'true') {
    await state.client?.stop();
    state.client = undefined;
    stopUi();
    return;
  }
  talk.setAttribute('aria-pressed', 'true');
  talk.textContent = 'Stop';
  interruptButton.disabled = false;
  try {
    await start();
  } catch (error) {
    log(`could not start: ${error.message}`, 'error');
    window.voxframeDemo.errors.push({ code: 'start', message: error.message });
    stopUi();
  }
});
interruptButton.addEventListener('click', () => state.client?.interrupt());

fetch('/health').then((r) => r.json()).then((h) => {
  $('agent').textContent = h.provider === 'echo' ? 'Agent: offline echo test (press Start talking)' : `Agent: ${h.provider}`;
}).catch(() => undefined);

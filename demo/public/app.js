// The demo page: wires the voxframe browser client to the controls, meters, transcript, latency table and log.
// The decisions (status pill, flush wording, guidance) live in page-state.js, which the tests import.
import { VoiceClient } from '/voxframe-client.js';
import {
  audioConstraints,
  describeFlush,
  initialStatus,
  latencyCells,
  micErrorAdvice,
  microphoneOptions,
  nextStatus,
  statusView,
  transcriptNote,
} from '/page-state.js';

const $ = (id) => document.getElementById(id);
const talk = $('talk');
const interruptButton = $('interrupt');
const statusEl = $('status');
const textForm = $('text-form');
const textInput = $('text-input');
const micSelect = $('mic');
const state = { client: undefined, turns: 0, status: initialStatus(), manualInterrupt: false };
// Exposed for automated tests (Playwright reads it); not an API.
window.voxframeDemo = { state: 'idle', status: 'idle', events: [], latencies: [], flushes: 0, flushLog: [], audioStarts: 0, played: [], errors: [], agent: undefined };

function log(text, cls) {
  const li = document.createElement('li');
  li.textContent = `${new Date().toISOString().slice(11, 23)}  ${text}`;
  if (cls) li.className = cls;
  const list = $('events');
  list.prepend(li);
  while (list.children.length > 200) list.lastChild.remove();
}

function onStatus(event) {
  state.status = nextStatus(state.status, event);
  const view = statusView(state.status);
  statusEl.dataset.state = view.state;
  statusEl.textContent = view.text;
  window.voxframeDemo.state = view.state;
  window.voxframeDemo.status = view.text;
}

function addTranscript(role, text) {
  $('transcript-note').hidden = true;
  const li = document.createElement('li');
  li.className = role;
  li.textContent = `${role === 'user' ? 'you' : 'bot'}: ${text}`;
  $('transcript').append(li);
}

function showHelp(text) {
  const help = $('help');
  help.hidden = text === undefined;
  help.textContent = text ?? '';
}

async function listMicrophones() {
  if (!navigator.mediaDevices?.enumerateDevices) return;
  const chosen = micSelect.value;
  const options = microphoneOptions(await navigator.mediaDevices.enumerateDevices());
  const option = (label, value) => Object.assign(document.createElement('option'), { textContent: label, value });
  micSelect.replaceChildren(option('default microphone', ''), ...options.map((o) => option(o.label, o.deviceId)));
  if (options.some((o) => o.deviceId === chosen)) micSelect.value = chosen;
}

async function start() {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const client = new VoiceClient({ url: `${scheme}://${location.host}/voice`, sampleRate: 16000, audio: audioConstraints(micSelect.value) });
  state.client = client;
  client.addEventListener('ready', (e) => {
    const agent = e.detail.agent ?? {};
    window.voxframeDemo.agent = agent;
    $('agent').textContent = `Agent: ${agent.description ?? agent.provider ?? 'unknown'}`;
    const hint = $('hint');
    hint.hidden = !agent.hint;
    hint.textContent = agent.hint ?? '';
    const note = transcriptNote(agent);
    $('transcript-note').hidden = note === undefined || $('transcript').children.length > 0;
    $('transcript-note').textContent = note ?? '';
    // More than one model configured: a selector switches mode or provider mid-call (the conversation moves along).
    const modes = typeof agent.modes === 'string' && agent.modes !== '' ? agent.modes.split(',') : [];
    const modeSelect = $('mode');
    modeSelect.replaceChildren(...modes.map((m) => Object.assign(document.createElement('option'), { textContent: m, value: m })));
    modeSelect.value = agent.provider ?? '';
    $('mode-label').hidden = modes.length < 2;
    modeSelect.onchange = () => {
      log(`switching to ${modeSelect.value}`);
      client.switchTo(modeSelect.value);
    };
    log(`session ${e.detail.sessionId} ready (mic ${e.detail.inputSampleRate} Hz, playback ${e.detail.outputSampleRate} Hz)`);
  });
  client.addEventListener('server-event', (e) => {
    const { name, data } = e.detail;
    window.voxframeDemo.events.push({ name, data, at: performance.now() });
    if (name === 'turn.latency') {
      state.turns += 1;
      window.voxframeDemo.latencies.push(data);
      const row = document.createElement('tr');
      for (const cell of latencyCells(state.turns, data)) row.append(Object.assign(document.createElement('td'), { textContent: cell }));
      $('latency').querySelector('tbody').append(row);
    }
    if (name === 'service.switched') $('mode').value = data.to;
    if (name === 'metrics.latency') log(`latency ${data.name}: ${data.ms} ms`);
    else if (name === 'vad.decision') log(`VAD: ${data.speaking ? 'speech started' : `speech ended (decided ${data.decisionDelayMs} ms later)`} at ${data.ptsMs} ms`);
    else if (name !== 'turn.latency' && name !== 'metrics.latency') log(`${name}${data ? ' ' + JSON.stringify(data) : ''}`);
    onStatus(name);
  });
  client.addEventListener('audio-start', (e) => {
    window.voxframeDemo.audioStarts += 1;
    onStatus('audio-start');
    log(`bot audio ${e.detail.utteranceId} (${e.detail.sampleRate} Hz)`);
  });
  client.addEventListener('played', (e) => {
    window.voxframeDemo.played.push(e.detail);
    if (e.detail.final) {
      onStatus('played-final');
      window.voxframeDemo.statusAtFinal = window.voxframeDemo.status;
    }
  });
  client.addEventListener('flush', () => {
    window.voxframeDemo.flushes += 1;
    const line = describeFlush(state.manualInterrupt);
    state.manualInterrupt = false;
    window.voxframeDemo.flushLog.push(line);
    log(line);
    onStatus('flush');
  });
  client.addEventListener('transcript', (e) => e.detail.final && addTranscript(e.detail.role, e.detail.text));
  client.addEventListener('text', (e) => addTranscript(e.detail.role, e.detail.text));
  client.addEventListener('error', (e) => {
    window.voxframeDemo.errors.push(e.detail);
    log(`error ${e.detail.code}: ${e.detail.message}`, 'error');
  });
  client.addEventListener('level', (e) => {
    if (state.client !== client) return; // a late report after Stop must not light the meters again
    $('mic-level').value = Math.min(1, e.detail.input * 4);
    $('bot-level').value = Math.min(1, e.detail.output * 4);
  });
  client.addEventListener('close', (e) => {
    log(`connection closed (${e.detail.code})`);
    stopUi();
  });
  await client.start();
  onStatus('started');
  void listMicrophones(); // labels are only visible once permission was granted
}

function stopUi() {
  state.client = undefined;
  talk.setAttribute('aria-pressed', 'false');
  talk.textContent = 'Start talking';
  interruptButton.disabled = true;
  textInput.disabled = true;
  $('mic-level').value = 0;
  $('bot-level').value = 0;
  onStatus('stopped');
}

talk.addEventListener('click', async () => {
  if (talk.getAttribute('aria-pressed') === 'true') {
    const client = state.client;
    stopUi();
    await client?.stop();
    return;
  }
  talk.setAttribute('aria-pressed', 'true');
  talk.textContent = 'Stop';
  interruptButton.disabled = false;
  textInput.disabled = false;
  showHelp(undefined);
  try {
    await start();
  } catch (error) {
    log(`could not start: ${error.message}`, 'error');
    window.voxframeDemo.errors.push({ code: 'start', name: error.name, message: error.message });
    showHelp(micErrorAdvice(error));
    const client = state.client;
    stopUi();
    await client?.stop();
  }
});
interruptButton.addEventListener('click', () => {
  state.manualInterrupt = true;
  state.client?.interrupt();
  log('Interrupt pressed');
});
textForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = textInput.value.trim();
  if (text === '' || state.client === undefined) return;
  state.client.sendText(text);
  addTranscript('user', text);
  textInput.value = '';
});
micSelect.addEventListener('focus', () => void listMicrophones());
void listMicrophones();

fetch('/health').then((r) => r.json()).then((h) => {
  $('agent').textContent = h.provider === 'echo' ? 'Agent: offline echo test (press Start talking)' : `Agent: ${h.provider}`;
}).catch(() => undefined);

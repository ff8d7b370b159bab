// The demo page's logic without the DOM: what the status pill says, what the event log calls a flush, why the
// transcript is empty, what to tell a user whose microphone failed, and how a latency row reads. app.js renders
// it; the tests import it directly.

/** The speaking state the status pill shows. */
export function initialStatus() {
  return { connected: false, userSpeaking: false, botSpeaking: false };
}

/**
 * Next speaking state after a page event: `started`, `stopped`, `user.started-speaking`, `user.stopped-speaking`,
 * `audio-start`, `played-final`, `flush`. Unknown events leave it unchanged.
 */
export function nextStatus(status, event) {
  switch (event) {
    case 'started':
      return { ...status, connected: true };
    case 'stopped':
      return initialStatus();
    case 'user.started-speaking':
      return { ...status, userSpeaking: true };
    case 'user.stopped-speaking':
      return { ...status, userSpeaking: false };
    case 'audio-start':
      return { ...status, botSpeaking: true };
    case 'played-final':
    case 'flush':
      return { ...status, botSpeaking: false };
    default:
      return status;
  }
}

/**
 * What the pill shows. The user's speech wins: after a barge-in the bot's playback ends (its final report arrives)
 * while the user is still talking, and the pill must keep saying so.
 */
export function statusView(status) {
  if (!status.connected) return { state: 'idle', text: 'idle' };
  if (status.userSpeaking) return { state: 'user', text: 'you are speaking' };
  if (status.botSpeaking) return { state: 'bot', text: 'bot is speaking' };
  return { state: 'listening', text: 'listening' };
}

/** Events-log line for a `flush`: the Interrupt button's own, or a barge-in (the user spoke over the bot). */
export function describeFlush(manualInterruptPending) {
  return manualInterruptPending ? 'interrupted (Interrupt button): playback flushed' : 'barge-in: playback flushed';
}

/** Why the transcript panel stays empty for this agent, or undefined when transcripts will come. */
export function transcriptNote(agent) {
  if (agent?.provider === 'echo') {
    return 'The echo test has no speech recognition, so no transcript appears here: it only plays your words back. Typed text is shown. Set OPENAI_API_KEY to talk to a model and see transcripts.';
  }
  return undefined;
}

/** Guidance for a microphone that could not be opened (a DOMException from getUserMedia), by its name. */
export function micErrorAdvice(error) {
  switch (error?.name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
      return 'Microphone permission was denied. Allow it with the icon at the left of the address bar (site settings), then press Start talking again.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No microphone found (or the chosen one is gone). Plug one in or pick another in the list, then press Start talking again.';
    case 'NotReadableError':
      return 'The microphone is in use by another application or blocked by the system. Close the other application, then try again.';
    case 'SecurityError':
      return 'The browser only gives microphone access to secure pages: open this page over https:// or on localhost.';
    default:
      return undefined;
  }
}

/** The cells of a turn-latency row. */
export function latencyCells(turn, data) {
  return [String(turn), `${data.totalMs} ms`, `${data.vadMs} ms`, `${data.responseMs} ms`];
}

/** Audio-input devices for the picker: `[{ deviceId, label }]`, unnamed ones numbered (labels appear after permission). */
export function microphoneOptions(devices) {
  return devices
    .filter((d) => d.kind === 'audioinput')
    .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Microphone ${i + 1}` }));
}

/** getUserMedia constraints for the picked device ('' = the default one). */
export function audioConstraints(deviceId) {
  return deviceId ? { deviceId: { exact: deviceId } } : {};
}

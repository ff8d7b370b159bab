/**
 * Measures each turn's latency as the user experiences it: from the end of their speech (media time, from the
 * VAD's `user.stopped-speaking` ptsMs) to the first bot audio leaving for the speaker. Sits right before the output
 * transport and reports to the page.
 *
 * @packageDocumentation
 */
import { FrameProcessor, type Frame, type FrameDirection } from '@voxframe/core';
import type { WebSocketTransport } from '@voxframe/transports';

export class LatencyProbe extends FrameProcessor {
  readonly #transport: WebSocketTransport;
  #speechEndWallMs: number | undefined;
  #decisionWallMs = 0;

  constructor(transport: WebSocketTransport) {
    super({ name: 'LatencyProbe' });
    this.#transport = transport;
  }

  protected override process(frame: Frame, direction: FrameDirection): void {
    if (direction === 'downstream') {
      if (frame.type === 'user.stopped-speaking') {
        const now = performance.now();
        // How long ago, in media time, the speech ended: the live edge of the input minus the VAD's end time.
        const agoMs = Math.max(0, this.#transport.input().receivedMs - frame.ptsMs);
        this.#speechEndWallMs = now - agoMs;
        this.#decisionWallMs = now;
        this.#transport.sendEvent('vad.decision', { speaking: false, ptsMs: Math.round(frame.ptsMs), decisionDelayMs: Math.round(agoMs) });
      } else if (frame.type === 'user.started-speaking') {
        this.#transport.sendEvent('vad.decision', { speaking: true, ptsMs: Math.round(frame.ptsMs) });
      } else if (frame.type === 'audio.output' && this.#speechEndWallMs !== undefined) {
        const now = performance.now();
        const totalMs = Math.round(now - this.#speechEndWallMs);
        const responseMs = Math.round(now - this.#decisionWallMs);
        this.#speechEndWallMs = undefined;
        this.logger.info({ totalMs, responseMs }, 'turn latency');
        this.#transport.sendEvent('turn.latency', { totalMs, vadMs: totalMs - responseMs, responseMs });
      }
    }
    this.push(frame, direction);
  }
}

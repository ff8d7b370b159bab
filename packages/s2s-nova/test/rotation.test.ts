/**
 * The rotation decision in virtual time, at the real 8-minute scale: a stream is replaced only once it is
 * `max_stream_ms` old (7.5 minutes by default), at the first pause, never during a turn; and the backoff of
 * new-stream attempts.
 */
import { createVirtualClock } from '@voxframe/core/testing';
import { NOVA_MAX_STREAM_MS, novaSonicDefaults } from '@voxframe/s2s-nova';
import { RotationScheduler, reconnectDelayMs } from '../src/rotation';

describe('RotationScheduler (virtual time)', () => {
  it('rotates after 7.5 minutes, at the first quiet second, never while busy', () => {
    const clock = createVirtualClock();
    let busy = false;
    const rotations: number[] = [];
    const scheduler = new RotationScheduler(novaSonicDefaults.max_stream_ms, novaSonicDefaults.rotation_quiet_ms, clock, {
      isBusy: () => busy,
      rotate: () => rotations.push(clock.now()),
    });
    scheduler.arm();
    expect(novaSonicDefaults.max_stream_ms).toBe(NOVA_MAX_STREAM_MS - 30_000);
    clock.advanceTo(450_000 - 1);
    expect(rotations).toEqual([]);
    // A turn is in progress when the stream comes of age: wait.
    busy = true;
    clock.advanceTo(450_000);
    expect(scheduler.due).toBe(true);
    clock.advanceTo(455_000);
    expect(rotations).toEqual([]);
    // The turn ends with model output at 455.5 s; a second of quiet later, the rotation.
    busy = false;
    clock.advanceTo(455_500);
    scheduler.notifyActivity();
    clock.advanceTo(456_499);
    expect(rotations).toEqual([]);
    clock.advanceTo(456_500);
    expect(rotations).toEqual([456_500]);
    expect(scheduler.due).toBe(false);
    // Well before the service's 8-minute cut.
    expect(rotations[0]).toBeLessThan(NOVA_MAX_STREAM_MS);
  });

  it('activity during the wait pushes the pause back; disarm stops everything', () => {
    const clock = createVirtualClock();
    const rotations: number[] = [];
    const scheduler = new RotationScheduler(1000, 300, clock, { isBusy: () => false, rotate: () => rotations.push(clock.now()) });
    scheduler.arm();
    clock.advanceTo(900);
    scheduler.notifyActivity();
    clock.advanceTo(1100);
    scheduler.notifyActivity(); // due now; quiet from 1100
    clock.advanceTo(1399);
    expect(rotations).toEqual([]);
    clock.advanceTo(1400);
    expect(rotations).toEqual([1400]);
    scheduler.arm();
    scheduler.disarm();
    clock.advanceTo(10_000);
    expect(rotations).toEqual([1400]);
  });

  it('backoff doubles up to the cap, with +-20% jitter', () => {
    expect(reconnectDelayMs(0, 250, 5000, () => 0.5)).toBe(250);
    expect(reconnectDelayMs(3, 250, 5000, () => 0.5)).toBe(2000);
    expect(reconnectDelayMs(10, 250, 5000, () => 0.5)).toBe(5000);
    expect(reconnectDelayMs(0, 250, 5000, () => 0)).toBe(200);
    expect(reconnectDelayMs(0, 250, 5000, () => 1)).toBe(300);
  });
});

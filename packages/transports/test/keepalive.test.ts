/**
 * Keepalive in virtual time: injected timers, and a socket stand-in (mock: only the few members Keepalive uses; the
 * real-socket behaviour is covered in twilio-hardening and websocket-transport tests).
 */
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { Keepalive, type KeepaliveTimers } from '@voxframe/transports';

class StubSocket extends EventEmitter {
  readyState = 1;
  pings = 0;
  terminated = 0;
  ping(): void {
    this.pings += 1;
  }
  terminate(): void {
    this.terminated += 1;
    this.readyState = 3;
    this.emit('close', 1006, Buffer.alloc(0));
  }
}

/** Timers whose clock moves only when the test says so. */
function virtualTimers(): KeepaliveTimers & { advance(ms: number): void; active(): number } {
  let now = 0;
  const intervals = new Map<number, { callback: () => void; every: number; next: number }>();
  let ids = 0;
  return {
    now: () => now,
    setInterval(callback, ms) {
      ids += 1;
      intervals.set(ids, { callback, every: ms, next: now + ms });
      return ids;
    },
    clearInterval(handle) {
      intervals.delete(handle as number);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = [...intervals.entries()].filter(([, t]) => t.next <= end).sort((a, b) => a[1].next - b[1].next)[0];
        if (due === undefined) break;
        now = due[1].next;
        due[1].next += due[1].every;
        due[1].callback();
      }
      now = end;
    },
    active: () => intervals.size,
  };
}

test('pings every interval; a peer silent for deadAfterMs is terminated once, and the timer stops', () => {
  const timers = virtualTimers();
  const socket = new StubSocket();
  const dead: number[] = [];
  const keepalive = new Keepalive(socket as unknown as WebSocket, { pingIntervalMs: 1000, deadAfterMs: 3000, timers }, (ms) => dead.push(ms));
  timers.advance(2000);
  expect(socket.pings).toBe(2);
  expect(keepalive.pings).toBe(2);
  timers.advance(1000); // 3000 ms without a word
  expect(dead).toEqual([3000]);
  expect(socket.terminated).toBe(1);
  expect(timers.active()).toBe(0);
  timers.advance(10_000);
  expect(socket.terminated).toBe(1);
});

test('pongs and messages count as signs of life', () => {
  const timers = virtualTimers();
  const socket = new StubSocket();
  const dead: number[] = [];
  new Keepalive(socket as unknown as WebSocket, { pingIntervalMs: 1000, deadAfterMs: 3000, timers }, (ms) => dead.push(ms));
  for (let i = 0; i < 10; i++) {
    timers.advance(1000);
    socket.emit(i % 2 === 0 ? 'pong' : 'message', Buffer.alloc(0), false);
  }
  expect(dead).toEqual([]);
  expect(socket.pings).toBe(10);
  // Life is noted at the next tick (no clock read per message): the last word counts from t=11000.
  timers.advance(3000);
  expect(dead).toEqual([]);
  timers.advance(1000);
  expect(dead).toEqual([3000]);
});

test('pingIntervalMs 0 turns it off; a close stops it', () => {
  const timers = virtualTimers();
  new Keepalive(new StubSocket() as unknown as WebSocket, { pingIntervalMs: 0, timers }, () => undefined);
  expect(timers.active()).toBe(0);
  const socket = new StubSocket();
  new Keepalive(socket as unknown as WebSocket, { pingIntervalMs: 1000, timers }, () => undefined);
  expect(timers.active()).toBe(1);
  socket.emit('close', 1000, Buffer.alloc(0));
  expect(timers.active()).toBe(0);
});

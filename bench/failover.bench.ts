/**
 * Failover time of `createFailoverS2S([openai, gemini])`, both providers against their emulators on 127.0.0.1.
 *
 * Each round: a session on OpenAI answers one text turn (so there is a conversation to seed), then the OpenAI
 * emulator drops the socket and refuses the provider's one reconnect. Measured: from the failure being known (the
 * fatal error reaching the failover's `shouldFailover`) to the first `audio` event of the backup, Gemini, which is
 * asked for a reply (`sendText`) the moment the switch reports `session.rotated` (connected, seeded, audio replayed).
 * p50 and p99 over the rounds; target: p99 <= 1 s (the user hears the backup within 1 s of the failure being known).
 *
 * Anchor, same run, same emulator: the provider's own recovery, an OpenAI session whose socket is dropped and
 * whose reconnect is accepted (backoff 0), from the drop to the first `audio` event of a reply asked for at its
 * `session.rotated`.
 */
import { createS2S, type S2SEvent, type S2SSession } from '@voxframe/core';
import '../packages/s2s-openai/src/index';
import '../packages/s2s-gemini/src/index';
import { RealtimeEmulator, scriptedReplies as openaiReplies } from '../packages/s2s-openai/src/testing/index';
import { GeminiLiveEmulator, scriptedReplies as geminiReplies } from '../packages/s2s-gemini/src/testing/index';
import { createFailoverS2S } from '../packages/processors/src/index';
import { percentile } from './stats';
import type { BenchRow } from './types';

const TIMEOUT_MS = 10_000;

/** Resolves with the time of the first event matching `predicate` (from now on), or rejects after a bound. */
function timeOf(session: S2SSession, predicate: (e: S2SEvent) => boolean, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      subscription.unsubscribe();
      reject(new Error(`no ${what} within ${TIMEOUT_MS} ms`));
    }, TIMEOUT_MS);
    timer.unref();
    const subscription = session.events.subscribe((event) => {
      if (!predicate(event)) return;
      const at = performance.now();
      clearTimeout(timer);
      queueMicrotask(() => subscription.unsubscribe());
      resolve(at);
    });
  });
}

const isTurnEnd = (e: S2SEvent): boolean => e.type === 'turn.end';
const isAudio = (e: S2SEvent): boolean => e.type === 'audio';

function openaiEngine(emulator: RealtimeEmulator) {
  return createS2S('openai_realtime', { extra: { api_key: 'bench', base_url: emulator.baseUrl, reconnect_attempts: 1, reconnect_backoff_ms: 0 } });
}

async function failoverRound(openai: RealtimeEmulator, gemini: GeminiLiveEmulator): Promise<{ ms: number; fromDropMs: number; switchMs: number }> {
  let failureAt = Number.NaN;
  const engine = createFailoverS2S(
    [openaiEngine(openai), createS2S('gemini_live', { extra: { api_key: 'bench', base_url: gemini.baseUrl } })],
    {
      shouldFailover: (e) => {
        const fatal = e.type === 'error' && !e.recoverable;
        if (fatal) failureAt = performance.now();
        return fatal;
      },
    },
  );
  const session = await engine.start();
  try {
    const answered = timeOf(session, isTurnEnd, 'first answer');
    session.sendText('My name is Ada.');
    await answered;
    const rotated = timeOf(session, (e) => e.type === 'session.rotated' && e.reason === 'failover', 'failover');
    openai.refuseNext(1, 503);
    const droppedAt = performance.now();
    openai.dropAll();
    await rotated;
    const heard = timeOf(session, isAudio, 'backup audio');
    session.sendText('Are you still there?');
    const audioAt = await heard;
    if (session.activeProvider !== 'gemini_live') throw new Error(`failover went to ${session.activeProvider}`);
    return { ms: audioAt - failureAt, fromDropMs: audioAt - droppedAt, switchMs: session.switches[0]?.switchMs ?? Number.NaN };
  } finally {
    await session.close();
  }
}

async function reconnectRound(openai: RealtimeEmulator): Promise<number> {
  const session = await openaiEngine(openai).start();
  try {
    const answered = timeOf(session, isTurnEnd, 'first answer');
    session.sendText('My name is Ada.');
    await answered;
    const rotated = timeOf(session, (e) => e.type === 'session.rotated', 'reconnect');
    const droppedAt = performance.now();
    openai.dropAll();
    await rotated;
    const heard = timeOf(session, isAudio, 'audio after reconnect');
    session.sendText('Are you still there?');
    return (await heard) - droppedAt;
  } finally {
    await session.close();
  }
}

export async function run(opts: { quick: boolean }): Promise<BenchRow[]> {
  const rounds = opts.quick ? 30 : 200;
  const openai = await RealtimeEmulator.start({ script: openaiReplies(() => ({ say: 'Hello Ada.', audioMs: 300 })) });
  const gemini = await GeminiLiveEmulator.start({ script: geminiReplies(() => ({ say: 'Yes, I am here.', audioMs: 300 })) });
  const failover: number[] = [];
  const switches: number[] = [];
  const fromDrop: number[] = [];
  const anchor: number[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      await failoverRound(openai, gemini); // warm-up (JIT, TCP)
      await reconnectRound(openai);
    }
    for (let i = 0; i < rounds; i++) {
      // Interleaved, so load from other processes hits both alike.
      const round = await failoverRound(openai, gemini);
      failover.push(round.ms);
      switches.push(round.switchMs);
      fromDrop.push(round.fromDropMs);
      anchor.push(await reconnectRound(openai));
    }
  } finally {
    await openai.close();
    await gemini.close();
  }
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const f = sorted(failover);
  const a = sorted(anchor);
  const s = sorted(switches);
  const d = sorted(fromDrop);
  const anchorName = 'OpenAI own reconnect to the same emulator (drop -> first audio)';
  const p50 = percentile(f, 50);
  const p99 = percentile(f, 99);
  const a50 = percentile(a, 50);
  const a99 = percentile(a, 99);
  return [
    { name: 'failover OpenAI -> Gemini, failure known -> first backup audio, p50', value: p50, unit: 'ms', anchor: anchorName, anchorValue: a50, ratio: p50 / a50, target: '<= 1000 ms (p99)', notes: `${rounds} kills, loopback emulators` },
    { name: 'failover OpenAI -> Gemini, failure known -> first backup audio, p99', value: p99, unit: 'ms', anchor: anchorName, anchorValue: a99, ratio: p99 / a99, target: '<= 1000 ms', pass: p99 <= 1000, notes: `max ${f[f.length - 1].toFixed(1)} ms` },
    { name: 'failover OpenAI -> Gemini, socket drop -> first backup audio (one refused reconnect included), p99', value: percentile(d, 99), unit: 'ms', anchor: anchorName, anchorValue: a99, ratio: percentile(d, 99) / a99, notes: `p50 ${percentile(d, 50).toFixed(1)} ms` },
    { name: 'failover switch (failure known -> backup seeded, audio replayed), p99', value: percentile(s, 99), unit: 'ms', notes: `p50 ${percentile(s, 50).toFixed(1)} ms` },
  ];
}

/**
 * End to end in a real headless Chromium: its fake microphone plays generated speech into the demo page, which
 * talks to the demo server over the browser transport. Checks that the echo agent answers after the user stops,
 * that the page measured the turn latency and the VAD decisions, and that speaking over the bot flushes playback.
 *
 * Needs /usr/bin/chromium (or VOXFRAME_CHROMIUM) and a speech synthesizer (npm espeak-ng). Without them the test
 * says loudly that it is skipped and how to enable it, and fails when VOXFRAME_REQUIRE_ALL_TESTS=1 (CI).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { RealtimeEmulator, scriptedReplies } from '@voxframe/s2s-openai/testing';
import { buildConversation, speechAvailability, writeWav } from '../../processors/test/fixtures/speech';
import { startDemo, type DemoProcess } from './helpers/demo-process';

const CHROMIUM = process.env.VOXFRAME_CHROMIUM ?? '/usr/bin/chromium';
const REQUIRE_ALL = process.env.VOXFRAME_REQUIRE_ALL_TESTS === '1';

function missing(): string | undefined {
  if (!existsSync(CHROMIUM)) return `no Chromium at ${CHROMIUM} (install it: apt-get install -y chromium, or set VOXFRAME_CHROMIUM)`;
  const speech = speechAvailability();
  if (!speech.available) return speech.reason;
  return undefined;
}

const reason = missing();
if (reason !== undefined && !REQUIRE_ALL) {
  console.warn(`\n${'!'.repeat(100)}\nSKIPPED browser end-to-end tests: ${reason}\nSet VOXFRAME_REQUIRE_ALL_TESTS=1 to make this a failure.\n${'!'.repeat(100)}\n`);
}
const describeE2e = reason === undefined ? describe : REQUIRE_ALL ? describe : describe.skip;

interface DemoState {
  state: string;
  status: string;
  statusAtFinal?: string;
  flushLog: string[];
  events: { name: string; data?: Record<string, unknown> }[];
  latencies: { totalMs: number; vadMs: number; responseMs: number }[];
  flushes: number;
  audioStarts: number;
  played: { utteranceId: string; playedMs: number; final: boolean }[];
  errors: { code: string; message: string }[];
  agent?: { provider?: string; hint?: string; description?: string };
}

async function demoState(page: Page): Promise<DemoState> {
  return page.evaluate(() => (globalThis as unknown as { voxframeDemo: DemoState }).voxframeDemo);
}

async function waitForState(page: Page, predicate: (s: DemoState) => boolean, timeoutMs: number, what: string): Promise<DemoState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await demoState(page);
    if (predicate(s)) return s;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; page state: ${JSON.stringify({ ...s, events: s.events.map((e) => e.name) })}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeE2e('browser end to end (headless Chromium, fake microphone)', () => {
  let dir: string;
  let wavPath: string;
  let browser: Browser | undefined;
  let demo: DemoProcess | undefined;

  beforeAll(async () => {
    if (reason !== undefined) throw new Error(`browser e2e cannot run: ${reason}. VOXFRAME_REQUIRE_ALL_TESTS=1 forbids skipping.`);
    dir = mkdtempSync(join(tmpdir(), 'vf-e2e-'));
    wavPath = join(dir, 'mic.wav');
    // Speech A, a pause long enough for the echo to start, then speech B over the echo (barge-in). Chromium loops it.
    const clip = await buildConversation(
      [
        { text: 'Hello there. This is a test of the voice agent, please repeat after me.', silenceAfterMs: 1800 },
        { text: 'Now I am talking over you, so you should stop playing right away.', silenceAfterMs: 4000 },
      ],
      16000,
      { leadSilenceMs: 1000 },
    );
    writeWav(wavPath, clip);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
        `--use-file-for-fake-audio-capture=${wavPath}`,
        '--autoplay-policy=no-user-gesture-required',
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('the echo agent answers after the user stops, the page shows latency and VAD decisions, and barge-in flushes playback', async () => {
    demo = await startDemo();
    const page = await (browser as Browser).newPage();
    const consoleErrors: string[] = [];
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    // Console errors too: a CSP violation (e.g. a `data:` favicon under `default-src 'self'`) is only logged there.
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    await page.goto(demo.url);
    await page.click('#talk');
    const ready = await waitForState(page, (s) => s.agent !== undefined, 10_000, 'session ready');
    expect(ready.agent?.provider).toBe('echo');
    expect(await page.isVisible('#hint')).toBe(true);
    expect(await page.textContent('#hint')).toMatch(/OPENAI_API_KEY/);
    // Echo mode says why the transcript stays empty.
    expect(await page.isVisible('#transcript-note')).toBe(true);
    expect(await page.textContent('#transcript-note')).toMatch(/no speech recognition/);
    // The microphone picker lists the (fake) device once permission was granted.
    await page.waitForFunction(`document.getElementById('mic').options.length >= 2`, undefined, { timeout: 5000 });
    expect(await page.isEnabled('#text-input')).toBe(true);

    const answered = await waitForState(page, (s) => s.audioStarts >= 1 && s.played.some((p) => p.playedMs >= 300), 25_000, 'the echo to play');
    expect(answered.events.some((e) => e.name === 'vad.decision' && e.data?.speaking === false)).toBe(true);
    const latency = await waitForState(page, (s) => s.latencies.length >= 1, 5000, 'a turn latency');
    expect(latency.latencies[0].totalMs).toBeGreaterThan(0);
    expect(latency.latencies[0].vadMs).toBeGreaterThanOrEqual(0);

    const interrupted = await waitForState(page, (s) => s.flushes >= 1, 25_000, 'barge-in flush');
    expect(interrupted.events.some((e) => e.name === 'interruption.start')).toBe(true);
    expect(interrupted.flushLog[0]).toBe('barge-in: playback flushed');
    // The barge-in came from the user's second utterance, heard by the VAD while the echo played.
    const decisions = interrupted.events.filter((e) => e.name === 'vad.decision').map((e) => e.data as { speaking: boolean; ptsMs: number });
    const [start, stop, bargeIn] = decisions;
    expect([start?.speaking, stop?.speaking, bargeIn?.speaking]).toEqual([true, false, true]);
    // The flushed echo ended early: the page's final playback report is well short of the echo's length
    // (the first utterance, as the VAD timed it).
    const echoFinal = await waitForState(page, (s) => s.played.some((p) => p.final), 5000, 'final played report');
    const final = echoFinal.played.find((p) => p.final) as { utteranceId: string; playedMs: number };
    expect(final.utteranceId).toBe('echo-1');
    expect(final.playedMs).toBeGreaterThan(300);
    expect(final.playedMs).toBeLessThan(stop.ptsMs - start.ptsMs - 500);
    // After the barge-in the echo's playback ended while the user was still talking: the pill says so.
    // (The final report comes ~100 ms after the flush; the interrupting utterance lasts about 3 s.)
    expect(echoFinal.statusAtFinal).toBe('you are speaking');
    // The latency table fits a phone-width screen (no clipped columns).
    await page.setViewportSize({ width: 360, height: 740 });
    const fits = (await page.evaluate(`(() => {
      const table = document.getElementById('latency');
      const wrap = table.parentElement;
      return { right: table.getBoundingClientRect().right, width: window.innerWidth, overflow: wrap.scrollWidth > wrap.clientWidth };
    })()`)) as { right: number; width: number; overflow: boolean };
    expect(fits.right).toBeLessThanOrEqual(fits.width);
    expect(fits.overflow).toBe(false);
    expect(consoleErrors).toEqual([]);
    await page.click('#talk');
    // After Stop the meters rest at zero and the pill says idle.
    await waitForState(page, (s) => s.state === 'idle', 5000, 'idle after Stop');
    expect(await page.evaluate(`document.getElementById('bot-level').value`)).toBe(0);
    expect(await page.evaluate(`document.getElementById('mic-level').value`)).toBe(0);
    await page.close();
    await demo.stop();
    demo = undefined;
  }, 90_000);

  test('with the OpenAI emulator as the provider, the model answers after the user stops and barge-in flushes its reply', async () => {
    const emulator = await RealtimeEmulator.start({
      // A long reply, streamed faster than real time as the service does: the user's second utterance cuts it.
      script: scriptedReplies({ say: 'Sure. Here is a rather long answer so that you have time to interrupt me.', audioMs: 6000 }),
    });
    try {
      demo = await startDemo({ OPENAI_API_KEY: 'test-key', VOXFRAME_OPENAI_BASE_URL: emulator.baseUrl });
      const page = await (browser as Browser).newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.message));
      await page.goto(demo.url);
      await page.click('#talk');
      const ready = await waitForState(page, (s) => s.agent !== undefined, 10_000, 'session ready');
      expect(ready.agent?.provider).toBe('openai');
      expect(ready.agent?.description).toContain(emulator.baseUrl);

      const answered = await waitForState(page, (s) => s.audioStarts >= 1 && s.played.some((p) => p.playedMs >= 300), 25_000, 'the model reply to play');
      expect(answered.latencies.length).toBeGreaterThanOrEqual(1);
      const interrupted = await waitForState(page, (s) => s.flushes >= 1 && s.played.some((p) => p.final), 25_000, 'barge-in flush');
      const final = interrupted.played.find((p) => p.final) as { playedMs: number };
      expect(final.playedMs).toBeLessThan(5500);
      expect(emulator.sessions.length).toBe(1);
      expect(emulator.issues).toEqual([]);
      // The playback clock end to end: the model's memory was cut at about what the page reported as played.
      // (Within 200 ms: the truncation is sent at the interruption, the page's final report comes after its flush.)
      const [truncation] = emulator.sessions[0].truncations;
      expect(truncation.itemId).toBe((final as { utteranceId?: string }).utteranceId);
      expect(Math.abs(truncation.audioEndMs - final.playedMs)).toBeLessThan(200);
      expect(pageErrors).toEqual([]);
      await page.click('#talk');
      await page.close();
    } finally {
      await demo?.stop();
      demo = undefined;
      await emulator.close();
    }
  }, 90_000);
});

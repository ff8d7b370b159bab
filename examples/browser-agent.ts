/**
 * The README's example: a browser voice agent on OpenAI Realtime. Needs OPENAI_API_KEY; connect with the browser client
 * of `@voxframe/transports` (the demo in `demo/` is the full version, with a page).
 *
 *   OPENAI_API_KEY=sk-... npx tsx examples/browser-agent.ts
 */
import { createServer } from 'node:http';
import { PipelineRunner, createS2S, pipeline } from '@voxframe/core';
import { outputPacer, s2sProcessor, sileroVad } from '@voxframe/processors';
import '@voxframe/s2s-openai'; // registers 'openai_realtime'
import { attachVoiceServer } from '@voxframe/transports';

const server = createServer().listen(3000, '127.0.0.1');
attachVoiceServer(server, {
  path: '/voice',
  onSession: (transport) => {
    const agent = pipeline(
      transport.input(), // microphone audio from the browser, at its own rate
      sileroVad(), // user started/stopped speaking; barge-in while the bot is audible
      s2sProcessor({ s2s: createS2S('openai_realtime', { voice: 'alloy', instructions: 'Be brief.' }) }),
      outputPacer(), // 1x real time; knows what was actually played
      transport.output(), // speaker audio back to the browser; flushed on barge-in
    );
    const runner = new PipelineRunner(agent, { idleTimeoutMs: 300_000 });
    transport.closed.then(() => runner.cancel('client left'));
    void runner.run();
  },
});

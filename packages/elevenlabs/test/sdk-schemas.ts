/**
 * Validates wire messages with the official `@elevenlabs/elevenlabs-js` serialization schemas
 * (`WebsocketTtsClientMessageMulti`, `WebsocketTtsServerMessageMulti`, unknown keys failing). The SDK's module graph
 * is large (seconds to load, slow to tear down inside a jest worker), so the check runs in a short-lived child
 * `node` process that requires the SDK from this package and answers with the issues of each message.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/** Issues per message (empty arrays for valid ones). */
export interface SchemaIssues {
  readonly client: string[][];
  readonly server: string[][];
}

const SCRIPT = `
  const { WebsocketTtsClientMessageMulti, WebsocketTtsServerMessageMulti } = require('@elevenlabs/elevenlabs-js/serialization');
  const input = JSON.parse(require('node:fs').readFileSync(0, 'utf8'));
  const issues = (schema, message) => {
    const result = schema.parse(message, { unrecognizedObjectKeys: 'fail' });
    return result.ok ? [] : result.errors.map((e) => e.path.join('.') + ': ' + e.message);
  };
  process.stdout.write(JSON.stringify({
    client: input.client.map((m) => issues(WebsocketTtsClientMessageMulti, m)),
    server: input.server.map((m) => issues(WebsocketTtsServerMessageMulti, m)),
  }));
`;

/** Validates client and server messages with the SDK's schemas. */
export function validateWithSdkSchemas(client: readonly unknown[], server: readonly unknown[]): SchemaIssues {
  const output = execFileSync(process.execPath, ['-e', SCRIPT], {
    cwd: join(__dirname, '..'),
    input: JSON.stringify({ client, server }),
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  return JSON.parse(output.toString('utf8')) as SchemaIssues;
}

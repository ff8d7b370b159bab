/**
 * Serves the demo page and the browser client module: a fixed list of files, nothing else (no path traversal).
 *
 * @packageDocumentation
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';

const PUBLIC = join(__dirname, 'public');
const CLIENT = join(__dirname, '..', 'packages', 'transports', 'src', 'browser', 'client.js');

const FILES: Record<string, { path: string; type: string }> = {
  '/': { path: join(PUBLIC, 'index.html'), type: 'text/html; charset=utf-8' },
  '/index.html': { path: join(PUBLIC, 'index.html'), type: 'text/html; charset=utf-8' },
  '/app.js': { path: join(PUBLIC, 'app.js'), type: 'text/javascript; charset=utf-8' },
  '/style.css': { path: join(PUBLIC, 'style.css'), type: 'text/css; charset=utf-8' },
  '/page-state.js': { path: join(PUBLIC, 'page-state.js'), type: 'text/javascript; charset=utf-8' },
  // A file of this origin, so the icon obeys the page's own CSP (a `data:` icon is refused by `default-src 'self'`).
  '/favicon.svg': { path: join(PUBLIC, 'favicon.svg'), type: 'image/svg+xml' },
  '/voxframe-client.js': { path: CLIENT, type: 'text/javascript; charset=utf-8' },
};

/** Answers GET for the page's files; returns false for anything else. */
export async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const path = (req.url ?? '/').split('?')[0];
  const file = FILES[path];
  if (file === undefined) return false;
  const body = await readFile(file.path);
  res.writeHead(200, {
    'content-type': file.type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'self'; connect-src 'self' ws: wss:; worker-src 'self' blob:; script-src 'self' blob:",
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}

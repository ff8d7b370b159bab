/** A bare WebSocket client for poking the emulator directly. */
import WebSocket from 'ws';

export interface RawClient {
  readonly events: Record<string, unknown>[];
  send(event: unknown): void;
  sendText(text: string): void;
  waitFor(type: string, from?: number, timeoutMs?: number): Promise<Record<string, unknown>>;
  readonly closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

/** Connects; resolves once open, or rejects with the HTTP status when refused. */
export function connectRaw(url: string, headers: Record<string, string> = { Authorization: 'Bearer test' }): Promise<RawClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const events: Record<string, unknown>[] = [];
    const waiters: (() => void)[] = [];
    ws.on('message', (data: WebSocket.RawData) => {
      events.push(JSON.parse(String(data)) as Record<string, unknown>);
      for (const w of waiters.splice(0)) w();
    });
    const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
    ws.on('unexpected-response', (_req, res) => {
      reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode }));
      ws.terminate();
    });
    ws.on('error', () => undefined);
    ws.on('open', () =>
      resolve({
        events,
        closed,
        send: (event) => ws.send(JSON.stringify(event)),
        sendText: (text) => ws.send(text),
        close: () => ws.close(),
        waitFor(type, from = 0, timeoutMs = 3000) {
          const deadline = Date.now() + timeoutMs;
          return new Promise((res, rej) => {
            const check = (): void => {
              const found = events.slice(from).find((e) => e.type === type);
              if (found) return res(found);
              if (Date.now() > deadline) return rej(new Error(`no ${type}; got ${events.map((e) => String(e.type)).join(', ')}`));
              waiters.push(check);
              setTimeout(check, 20);
            };
            check();
          });
        },
      }),
    );
  });
}

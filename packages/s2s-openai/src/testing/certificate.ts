/**
 * A throwaway self-signed certificate for `wss://127.0.0.1` tests, made with the `openssl` command line (Node's
 * crypto can make keys but not X.509 certificates, and the package takes no dependency for it).
 *
 * @packageDocumentation
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A PEM key and certificate valid for `127.0.0.1` and `localhost`. */
export interface SelfSignedCertificate {
  readonly key: string;
  readonly cert: string;
}

/**
 * Creates a P-256 self-signed certificate valid for one day for `127.0.0.1` and `localhost`. Clients trust it by
 * passing `cert` as their `ca`.
 *
 * @throws when `openssl` is not installed (the message says so).
 */
export async function createSelfSignedCertificate(): Promise<SelfSignedCertificate> {
  const dir = await mkdtemp(join(tmpdir(), 'voxframe-cert-'));
  const keyPath = join(dir, 'key.pem');
  const certPath = join(dir, 'cert.pem');
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(
        'openssl',
        [
          'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
          '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=127.0.0.1',
          '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
        ],
        { timeout: 15_000 },
        (error) => {
          if (error) reject(new Error(`createSelfSignedCertificate needs the openssl command line tool: ${error.message}`, { cause: error }));
          else resolve();
        },
      );
    });
    return { key: await readFile(keyPath, 'utf8'), cert: await readFile(certPath, 'utf8') };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

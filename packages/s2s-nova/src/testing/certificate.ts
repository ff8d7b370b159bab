/**
 * A throwaway self-signed certificate for the emulator's TLS listener. Made in-process with the `selfsigned`
 * package (Node's crypto makes keys but not X.509 certificates), so tests need no `openssl` binary.
 *
 * @packageDocumentation
 */
import { generate } from 'selfsigned';

/** A PEM key and certificate valid for `127.0.0.1`, `::1` and `localhost`. */
export interface SelfSignedCertificate {
  readonly key: string;
  readonly cert: string;
}

/** Creates a P-256 self-signed certificate valid for one day. Clients trust it by passing `cert` as their CA. */
export async function createSelfSignedCertificate(): Promise<SelfSignedCertificate> {
  const notBeforeDate = new Date(Date.now() - 60_000); // a minute of slack for clock skew between processes
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

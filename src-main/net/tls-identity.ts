// The studio's own TLS certificate, for its HTTPS listener: browsers give cameras and
// microphones to secure contexts only, so a phone on the LAN can publish (WHIP) only
// over HTTPS. No CA signs a LAN address; the certificate is self-signed, made once per
// data folder, and accepted once in each browser. It is made again when it nears its
// end or when the machine has an address it does not name (a new DHCP lease), checked
// whenever the HTTPS listener binds. A certificate from the user's own CA, put in its
// place, is kept as it is.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import selfsigned from 'selfsigned';
import { writeFileAtomic } from '../files/atomic-write.js';

export interface TlsIdentity {
  key: string;
  cert: string;
  /** SHA-256 of the certificate, colon-separated hex: what a browser's certificate viewer shows. */
  fingerprint: string;
}

export interface TlsNames {
  dns: readonly string[];
  /** IPv4 addresses (what phones on a LAN reach the studio by). */
  ips: readonly string[];
}

const validDays = 397; // what browsers accept for any server certificate
const renewWithinMs = 30 * 86_400_000;
const commonName = 'Framehouse studio';

/**
 * The identity in `dir` (key.pem, cert.pem). One the studio made is made again when it
 * does not name all of `names` or ends within 30 days; a pair that is unreadable or does
 * not match is replaced; anyone else's valid pair is used as it is.
 */
export async function loadTlsIdentity(dir: string, names: TlsNames): Promise<TlsIdentity> {
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  const existing = await Promise.all([fs.readFile(keyFile, 'utf8'), fs.readFile(certFile, 'utf8')]).catch(() => null);
  if (existing) {
    const [key, cert] = existing;
    const x509 = matchingPair(key, cert);
    const ours = x509?.issuer.split('\n').includes(`CN=${commonName}`) ?? false;
    if (x509 && (!ours || (covers(x509, names) && Date.parse(x509.validTo) - Date.now() > renewWithinMs))) return { key, cert, fingerprint: x509.fingerprint256 };
  }
  const made = await make(names);
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  // Key first, then the certificate, each written whole: a crash between leaves a pair that fails to match, and is made again.
  await writeFileAtomic(keyFile, made.key, 0o600);
  await writeFileAtomic(certFile, made.cert, 0o644);
  return made;
}

/** The certificate, when it parses and `key` is its private key. */
function matchingPair(key: string, cert: string): crypto.X509Certificate | null {
  try {
    const x509 = new crypto.X509Certificate(cert);
    return x509.checkPrivateKey(crypto.createPrivateKey(key)) ? x509 : null;
  } catch {
    return null;
  }
}

function covers(cert: crypto.X509Certificate, names: TlsNames): boolean {
  const alt = new Set((cert.subjectAltName ?? '').split(', '));
  return names.dns.every((n) => alt.has(`DNS:${n}`)) && names.ips.every((ip) => alt.has(`IP Address:${ip}`));
}

async function make(names: TlsNames): Promise<TlsIdentity> {
  const notBeforeDate = new Date(Date.now() - 86_400_000);
  const pems = await selfsigned.generate([{ name: 'commonName', value: commonName }, { name: 'organizationName', value: 'Framehouse' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + validDays * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [...names.dns.map((value) => ({ type: 2 as const, value })), ...names.ips.map((ip) => ({ type: 7 as const, ip }))] },
    ],
  });
  return { key: pems.private, cert: pems.cert, fingerprint: new crypto.X509Certificate(pems.cert).fingerprint256 };
}

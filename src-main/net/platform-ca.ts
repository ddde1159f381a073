// The certificate authorities a TLS client of the studio trusts: the platform's store where
// Node can read it (tls.getCACertificates('system') on Node ≥ 22.15; the distribution's
// bundle file on Linux), and Node's own Mozilla list. ffmpeg's RTMPS does not verify
// certificates at all, so the studio's own TLS client does it (restream's TLS bridge).
import fs from 'node:fs';
import tls from 'node:tls';

const linuxBundles = ['/etc/ssl/certs/ca-certificates.crt', '/etc/pki/tls/certs/ca-bundle.crt', '/etc/ssl/ca-bundle.pem', '/etc/ssl/cert.pem'];

let cached: string[] | null = null;

export function platformCertificates(): string[] {
  if (cached) return cached;
  const system = (tls as { getCACertificates?: (which: string) => string[] }).getCACertificates?.('system') ?? [];
  const bundle = system.length > 0 ? [] : linuxBundles.flatMap((file) => {
    try {
      return [fs.readFileSync(file, 'utf8')];
    } catch {
      return [];
    }
  }).slice(0, 1);
  cached = [...tls.rootCertificates, ...system, ...bundle];
  return cached;
}

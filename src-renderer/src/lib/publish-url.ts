/**
 * The RTMP address to publish to. A wildcard bind (0.0.0.0) is not an address an
 * encoder can dial, so the host name this page was reached by stands in for it.
 */
export function rtmpPublishBase(host: string, rtmpPort: number, pageHost: string): string {
  const wildcard = host === '0.0.0.0' || host === '::' || host === '[::]';
  let name = wildcard ? pageHost : host;
  if (name.includes(':') && !name.startsWith('[')) name = `[${name}]`;
  return `rtmp://${name}:${rtmpPort}/live`;
}

/**
 * Whether a peer address is this machine's own loopback. Only 127.0.0.1 and ::1 count:
 * the rest of 127/8 is treated as another host, so tests can play "a client elsewhere"
 * by binding to 127.0.0.2 without leaving loopback.
 */
export function isThisMachine(address: string | null | undefined): boolean {
  return address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
}

/** Reconnect delays: 0.5 s, 1 s, 2 s, 4 s, then 5 s for as long as the studio is away. */
export function reconnectDelay(failures: number, firstMs = 500, maxMs = 5000): number {
  return Math.min(maxMs, firstMs * 2 ** Math.max(0, failures));
}

import os from 'node:os';
import type { SettingsReactor } from '../../config/settings-applier.js';

const wildcardHosts = new Set(['0.0.0.0', '::', '[::]']);

/** The host part of a Host header: "studio.lan:8935" → "studio.lan", "[::1]:80" → "::1". */
export function hostnameOf(hostHeader: string): string {
  const h = hostHeader.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  const colon = h.lastIndexOf(':');
  return colon > 0 && h.indexOf(':') === colon ? h.slice(0, colon) : h;
}

/**
 * Names a browser may legitimately use for this studio. Anything else in a Host
 * header means a DNS-rebinding page is talking to us, and is refused.
 */
export function allowedHostnames(bindHost: string, extra: readonly string[], interfaces = os.networkInterfaces(), hostname = os.hostname()): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '::1', hostname.toLowerCase(), `${hostname.toLowerCase()}.local`]);
  for (const name of extra) names.add(hostnameOf(name));
  if (wildcardHosts.has(bindHost)) {
    for (const list of Object.values(interfaces)) {
      for (const info of list ?? []) names.add(info.address.toLowerCase().split('%')[0]!);
    }
  } else {
    names.add(hostnameOf(bindHost));
  }
  return names;
}

/** Caches the allowed set briefly: interface addresses change rarely, requests arrive often. */
export class HostGuard {
  private cached: { at: number; names: Set<string> } | null = null;

  constructor(private readonly source: () => { host: string; allowedHosts: readonly string[] }) {}

  invalidate(): void {
    this.cached = null;
  }

  /** The allowed names change with the bind address and the allowed-hosts list. */
  settingsReactor(): SettingsReactor {
    return { keys: ['host', 'allowedHosts'], apply: async () => this.invalidate() };
  }

  allows(hostHeader: string | undefined): boolean {
    if (!hostHeader) return false;
    const now = Date.now();
    if (!this.cached || now - this.cached.at > 5000) {
      const { host, allowedHosts } = this.source();
      this.cached = { at: now, names: allowedHostnames(host, allowedHosts) };
    }
    return this.cached.names.has(hostnameOf(hostHeader));
  }
}

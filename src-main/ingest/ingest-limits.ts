// Bounds on what publishers can make the studio hold: connections, memory and time.
// Shared by the RTMP and SRT listeners so both count and report the same way.
import type { Logger } from 'pino';
import type { Settings } from '../contract/studio-api.js';
import { defaultSettings } from '../config/defaults.js';

export interface IngestLimits {
  /** Connections at once, per protocol. */
  maxConnections: number;
  /** Connections at once from one address, per protocol. */
  maxConnectionsPerAddress: number;
  /** Bytes one publisher may make us hold for unfinished messages or packets. */
  maxBufferBytes: number;
  /** Bytes all publishers together may make us hold for unfinished messages or packets. */
  maxTotalBufferBytes: number;
  /** Time from connecting to publishing. */
  handshakeMs: number;
  /** Silence after which a publisher is cut. */
  idleMs: number;
  /** Highest SRT latency a caller may ask for. */
  srtMaxLatencyMs: number;
}

export type IngestLimitSetting =
  | 'ingestMaxConnections'
  | 'ingestMaxConnectionsPerAddress'
  | 'ingestMaxBufferMB'
  | 'ingestMaxTotalBufferMB'
  | 'ingestHandshakeSeconds'
  | 'ingestIdleSeconds'
  | 'srtMaxLatencyMs';

const MB = 1024 * 1024;

/** The limits the settings of the same names give. */
export function ingestLimitsFrom(settings: Pick<Settings, IngestLimitSetting>): IngestLimits {
  return {
    maxConnections: settings.ingestMaxConnections,
    maxConnectionsPerAddress: settings.ingestMaxConnectionsPerAddress,
    maxBufferBytes: settings.ingestMaxBufferMB * MB,
    maxTotalBufferBytes: settings.ingestMaxTotalBufferMB * MB,
    handshakeMs: settings.ingestHandshakeSeconds * 1000,
    idleMs: settings.ingestIdleSeconds * 1000,
    srtMaxLatencyMs: settings.srtMaxLatencyMs,
  };
}

/** What the listeners use when the composition root gives nothing (tests, benchmarks): the settings' defaults. */
export const defaultIngestLimits: Readonly<IngestLimits> = Object.freeze(ingestLimitsFrom(defaultSettings));

/**
 * A publisher reached one of the limits above. The message names the limit and the
 * setting that raises it, so the log line alone tells an operator what to do.
 */
export class IngestLimitError extends Error {
  override name = 'IngestLimitError';
  constructor(
    readonly setting: IngestLimitSetting,
    what: string,
  ) {
    super(`${what} (setting ${setting}; raise it if this publisher is genuine)`);
  }
}

export const megabytes = (bytes: number) => (bytes < MB ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / MB).toFixed(bytes % MB === 0 ? 0 : 1)} MB`);

/** The IPv4 address of an IPv4-mapped IPv6 one, so "::ffff:10.0.0.5" and "10.0.0.5" count as one peer. */
export function peerAddress(address: string | undefined | null): string {
  if (!address) return '?';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

export type Admission = { ok: true; release: () => void } | { ok: false; error: IngestLimitError };

/**
 * Connections at once for one protocol, in total and per remote address. The limits are
 * read at each admission, so a settings change applies to the next connection.
 */
export class ConnectionCounter {
  private readonly byAddress = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly protocol: string,
    private readonly limits: () => Pick<IngestLimits, 'maxConnections' | 'maxConnectionsPerAddress'>,
  ) {}

  get open(): number {
    return this.total;
  }

  /** A slot for a connection from `address`; its `release` must run once, when the connection ends. */
  admit(address: string): Admission {
    const { maxConnections, maxConnectionsPerAddress } = this.limits();
    const fromAddress = this.byAddress.get(address) ?? 0;
    if (this.total >= maxConnections) {
      return { ok: false, error: new IngestLimitError('ingestMaxConnections', `${this.total} ${this.protocol} connections are open, the most allowed at once`) };
    }
    if (fromAddress >= maxConnectionsPerAddress) {
      return { ok: false, error: new IngestLimitError('ingestMaxConnectionsPerAddress', `${fromAddress} ${this.protocol} connections from ${address} are open, the most allowed from one address`) };
    }
    this.total++;
    this.byAddress.set(address, fromAddress + 1);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        this.total--;
        const left = (this.byAddress.get(address) ?? 1) - 1;
        if (left > 0) this.byAddress.set(address, left);
        else this.byAddress.delete(address);
      },
    };
  }
}

/** Memory one connection holds on behalf of its peer; `hold` refuses what would pass a limit. */
export interface BufferAccount {
  readonly held: number;
  /** Takes `bytes` more, or throws IngestLimitError and takes nothing. */
  hold(bytes: number): void;
  release(bytes: number): void;
  /** Gives back everything (the connection ended); later calls are no-ops. */
  close(): void;
}

/**
 * Memory held for unfinished messages and packets by all publishers together (RTMP and
 * SRT share one pool). Each connection opens an account with the per-publisher limit in
 * force at that moment; the total limit is also the one in force when it opened.
 */
export class IngestMemory {
  private total = 0;

  constructor(private readonly limits: () => Pick<IngestLimits, 'maxBufferBytes' | 'maxTotalBufferBytes'> = () => defaultIngestLimits) {}

  get heldBytes(): number {
    return this.total;
  }

  open(): BufferAccount {
    const { maxBufferBytes, maxTotalBufferBytes } = this.limits();
    const totalNow = () => this.total;
    const add = (n: number) => (this.total += n);
    let held = 0;
    let closed = false;
    return {
      get held() {
        return held;
      },
      hold(bytes) {
        if (closed || bytes <= 0) return;
        if (held + bytes > maxBufferBytes) {
          throw new IngestLimitError('ingestMaxBufferMB', `this publisher's unfinished data would take ${megabytes(held + bytes)}, over the ${megabytes(maxBufferBytes)} per-publisher limit`);
        }
        if (totalNow() + bytes > maxTotalBufferBytes) {
          throw new IngestLimitError('ingestMaxTotalBufferMB', `all publishers' unfinished data would take ${megabytes(totalNow() + bytes)}, over the ${megabytes(maxTotalBufferBytes)} limit for all publishers`);
        }
        held += bytes;
        add(bytes);
      },
      release(bytes) {
        if (closed) return;
        const n = Math.min(bytes, held);
        held -= n;
        add(-n);
      },
      close() {
        if (closed) return;
        add(-held);
        held = 0;
        closed = true;
      },
    };
  }
}

/**
 * Warnings for refused connections: a flood must not become a flood of log lines. The
 * first refusal of each kind is logged at once; later ones within `intervalMs` are
 * counted and summed up in the next line of that kind.
 */
export class LimitWarnings {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly log: Logger,
    private readonly intervalMs = 10_000,
  ) {}

  warn(prefix: string, error: IngestLimitError, fields: Record<string, unknown> = {}, now = Date.now()): void {
    const entry = this.last.get(error.setting);
    if (entry && now - entry.at < this.intervalMs) {
      entry.suppressed++;
      return;
    }
    const suppressed = entry?.suppressed ?? 0;
    this.last.set(error.setting, { at: now, suppressed: 0 });
    const more = suppressed > 0 ? ` (${suppressed} more refused for this limit since the last such line)` : '';
    this.log.warn({ ...fields, limit: error.setting }, `${prefix}: ${error.message}${more}`);
  }
}

import type { StudioEvent } from '../../../src-main/contract/studio-api';
import { reconnectDelay } from './backoff';

export type SocketState = 'connecting' | 'open' | 'closed';

export interface EventsListener {
  state(state: SocketState, info: { retryInMs: number | null; everOpened: boolean }): void;
  event(event: StudioEvent): void;
}

/** ws:// or wss:// URL of the studio's event stream, on the page's own origin. */
export function eventsUrl(loc: Location = window.location): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}/api/events`;
}

/**
 * Keeps one WebSocket to /api/events open for as long as it is started, reconnecting
 * with a growing delay so a restarting studio is not hammered.
 */
export class EventsClient {
  private socket: WebSocket | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private failures = 0;
  private everOpened = false;
  private running = false;
  private readonly url: string;
  private readonly listener: EventsListener;

  constructor(listener: EventsListener, url: string = eventsUrl()) {
    this.listener = listener;
    this.url = url;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, 'client stopped');
  }

  /** Skip the remaining wait, e.g. when the user asks to retry now. */
  retryNow(): void {
    if (!this.running || this.socket) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.connect();
  }

  private connect(): void {
    this.listener.state('connecting', { retryInMs: null, everOpened: this.everOpened });
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;

    socket.addEventListener('open', () => {
      if (this.socket !== socket) return;
      this.failures = 0;
      this.everOpened = true;
      this.listener.state('open', { retryInMs: null, everOpened: true });
    });
    socket.addEventListener('message', (message) => {
      if (this.socket !== socket) return;
      const event = parseEvent(message.data);
      if (event) this.listener.event(event);
    });
    socket.addEventListener('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.running) this.scheduleReconnect();
    });
    // 'error' is always followed by 'close', which does the work.
  }

  private scheduleReconnect(): void {
    const delay = reconnectDelay(this.failures);
    this.failures += 1;
    this.listener.state('closed', { retryInMs: delay, everOpened: this.everOpened });
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.running) this.connect();
    }, delay);
  }
}

/** Accepts only `{type, at, data}` objects; anything else from the wire is dropped. */
export function parseEvent(raw: unknown): StudioEvent | null {
  if (typeof raw !== 'string') return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null) return null;
  const candidate = value as Record<string, unknown>;
  if (typeof candidate.type !== 'string' || !('data' in candidate)) return null;
  // Event types added by later server features pass through; the dispatcher ignores
  // the ones it does not know.
  return value as StudioEvent;
}

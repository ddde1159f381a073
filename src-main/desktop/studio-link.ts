// The desktop shell's own line to the studio server: the event stream for the tray
// and notifications, and the few admin calls the tray menu makes. It follows the
// server across restarts and port moves (the connection is asked for each time).
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { dataSubdir } from '../config/data-dir.js';
import type { LibraryFolder } from '../contract/library-api.js';
import type { LanInfo } from '../contract/public-api.js';
import type { SettingsView, StreamInfo, StudioEvent, SystemInfo } from '../contract/studio-api.js';
import { isRecordingError, noticeFor, trayStatus, type DesktopNotice, type TrayStatus } from './tray-status.js';

export interface StudioAddress {
  url: string;
  token: string;
}

interface LinkEvents {
  status: [TrayStatus];
  notice: [DesktopNotice];
}

const reconnectMs = [500, 1000, 2000, 5000];

export class StudioLink extends EventEmitter<LinkEvents> {
  private socket: WebSocket | null = null;
  private retry: NodeJS.Timeout | null = null;
  private attempts = 0;
  private closed = false;
  private streams: StreamInfo[] = [];
  private lastErrorAt: number | null = null;
  private lastSummary = '';
  /** Streams the tray paused, to resume exactly those. */
  private paused: string[] = [];

  constructor(private readonly address: () => StudioAddress | null) {
    super();
  }

  start(): void {
    this.closed = false;
    this.connect();
  }

  /** The server moved: drop the old socket and connect to where it is now. */
  reconnect(): void {
    this.socket?.terminate();
  }

  /** A new server process: what the tray paused was paused in the old one's memory only. */
  serverRestarted(): void {
    this.paused = [];
    this.reconnect();
  }

  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.socket?.terminate();
    this.socket = null;
  }

  status(): TrayStatus {
    return trayStatus(this.streams, this.lastErrorAt, Date.now());
  }

  pausedStreams(): readonly string[] {
    return this.paused;
  }

  private connect(): void {
    if (this.closed) return;
    const at = this.address();
    if (!at) return this.later();
    const socket = new WebSocket(new URL('api/events', at.url).href.replace(/^http/, 'ws'), { headers: { authorization: `Bearer ${at.token}` }, maxPayload: 16 * 1024 * 1024 });
    this.socket = socket;
    socket.on('open', () => (this.attempts = 0));
    socket.on('message', (data: Buffer) => this.onEvent(data));
    socket.on('error', () => undefined); // 'close' follows and retries
    socket.on('close', () => {
      if (this.socket === socket) this.socket = null;
      // What the tray showed is no longer known: say so until the events come back.
      if (this.streams.length > 0) {
        this.streams = [];
        this.lastSummary = '';
      }
      this.later();
    });
  }

  private later(): void {
    if (this.closed || this.retry) return;
    const delay = reconnectMs[Math.min(this.attempts++, reconnectMs.length - 1)]!;
    this.retry = setTimeout(() => {
      this.retry = null;
      this.connect();
    }, delay);
  }

  private onEvent(data: Buffer): void {
    let event: StudioEvent;
    try {
      event = JSON.parse(data.toString('utf8')) as StudioEvent;
    } catch {
      return;
    }
    if (event.type === 'streams') this.streams = event.data;
    if (isRecordingError(event)) this.lastErrorAt = Date.now();
    const notice = noticeFor(event);
    if (notice) this.emit('notice', notice);
    const status = this.status();
    if (status.summary !== this.lastSummary || notice) {
      this.lastSummary = status.summary;
      this.emit('status', status);
    }
  }

  private async api<T>(route: string, init: RequestInit = {}): Promise<T> {
    const at = this.address();
    if (!at) throw new Error('the studio server is restarting');
    const res = await fetch(new URL(route, at.url), {
      ...init,
      headers: { authorization: `Bearer ${at.token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
      signal: AbortSignal.timeout(5000),
    });
    if (!res.ok) throw new Error(`${route}: ${res.status} ${(await res.text()).slice(0, 200)}`);
    return (res.status === 204 ? null : await res.json()) as T;
  }

  /** Stops the archive of every stream it is taking now (until resumed); answers the names. */
  async pauseRecording(): Promise<string[]> {
    const streams = await this.api<StreamInfo[]>('api/streams');
    const recording = streams.filter((s) => s.dvr.recording).map((s) => s.name);
    for (const name of recording) {
      await this.api(`api/streams/${encodeURIComponent(name)}/dvr/disable`, { method: 'POST' });
      // Kept one by one: a failure half-way still resumes what was paused.
      if (!this.paused.includes(name)) this.paused.push(name);
    }
    return recording;
  }

  async resumeRecording(): Promise<void> {
    for (const name of [...this.paused]) {
      await this.api(`api/streams/${encodeURIComponent(name)}/dvr/enable`, { method: 'POST' });
      this.paused = this.paused.filter((n) => n !== name);
    }
  }

  /** The watch page on the LAN, or null when LAN access is off. */
  async lanWatchLink(): Promise<string | null> {
    const lan = await this.api<LanInfo>('api/lan');
    return lan.lan && lan.urls[0] ? `${lan.urls[0]}#/watch` : null;
  }

  /** The folders the studio owns: the data folder, exports, recordings, media and the library's. */
  async ownFolders(): Promise<string[]> {
    const [system, view, library] = await Promise.all([
      this.api<SystemInfo>('api/system'),
      this.api<SettingsView>('api/settings'),
      this.api<LibraryFolder[]>('api/library/folders').catch(() => []),
    ]);
    const dataDir = system.dataDirPath;
    const s = view.settings;
    return [dataDir, dataSubdir(dataDir, s.exportsDir, 'exports'), dataSubdir(dataDir, s.recordingsDir, 'recordings'), dataSubdir(dataDir, s.mediaDir, 'media'), ...library.map((f) => f.path)];
  }
}

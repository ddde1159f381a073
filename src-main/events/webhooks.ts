// Webhooks: each studio event a hook asked for is POSTed to its URL as JSON, signed with its
// secret (webhook-signature.ts), retried with backoff when the receiver fails or does not
// answer, and logged per hook (the newest 50 deliveries). Hooks are kept in
// <data-dir>/webhooks.json, secrets included (the file is the studio's own, like its database).
// Each event a hook could get also goes out as a `webhook_event` studio event (the delivery's
// body without id and at), so /api/events carries the same events, hooks configured or not.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import type { Logger } from 'pino';
import { Value } from 'typebox/value';
import { Problem } from '../contract/problem.js';
import type { StudioEvent } from '../contract/studio-api.js';
import { WebhookCreate, webhookEventTypes, type Webhook, type WebhookDelivery, type WebhookEventType } from '../contract/webhook-api.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import type { StudioEvents } from './studio-events.js';
import { signatureHeader, signDelivery } from './webhook-signature.js';

/** Hooks at most: each event is one POST per hook. */
export const maxWebhooks = 20;
/** Deliveries kept in a hook's log, and deliveries waiting or retrying per hook at most (older ones fail as dropped). */
const keptDeliveries = 50;
const maxPending = 200;

interface StoredHook extends WebhookCreate {
  id: string;
  createdAt: string;
}

interface HookState {
  hook: StoredHook;
  deliveries: WebhookDelivery[];
  pending: number;
}

export interface WebhookServiceDeps {
  file: string;
  /** Where events come from, and where each one's webhook form goes back out (`webhook_event`, for the WebSocket). */
  events: Pick<StudioEvents, 'subscribe' | 'publish'>;
  log: Logger;
  /** Pauses before the 2nd, 3rd, … attempt (default 1 s, 5 s, 25 s: four attempts in half a minute). */
  retryDelaysMs?: number[];
  /** One attempt's limit (default 5 s). */
  timeoutMs?: number;
}

/** A studio event as a webhook sees it, or null for events no hook gets. */
export function webhookEvent(event: StudioEvent): { type: WebhookEventType; stream: string | null; data: Record<string, unknown> } | null {
  switch (event.type) {
    case 'stream_started':
      return { type: 'stream.published', stream: event.data.name, data: { protocol: event.data.protocol, remoteAddress: event.data.remoteAddress } };
    case 'stream_stopped':
      return { type: 'stream.unpublished', stream: event.data.name, data: { reason: event.data.reason } };
    case 'source_lost':
      return { type: 'stream.source_lost', stream: event.data.name, data: { reason: event.data.reason } };
    case 'export_finished':
      return { type: 'export.done', stream: event.data.stream, data: { id: event.data.id, kind: event.data.kind, state: event.data.state, file: event.data.file, error: event.data.error } };
    case 'recording_finished':
      return { type: 'recording.finished', stream: event.data.stream, data: { ...event.data } };
    case 'restream_changed':
      return { type: event.data.target.state === 'live' ? 'restream.up' : 'restream.down', stream: event.data.stream, data: { ...event.data.target } };
    case 'dvr_disk_low':
      return { type: 'disk.low', stream: null, data: { freeBytes: event.data.freeBytes, minFreeBytes: event.data.minFreeBytes, message: event.data.message } };
    case 'dvr_gap':
      return { type: 'dvr.gap', stream: event.data.stream, data: { fromMs: event.data.fromMs, toMs: event.data.toMs, reason: event.data.reason } };
    case 'mix_started':
      return { type: 'mix.started', stream: event.data.name, data: { encoder: event.data.encoder } };
    case 'mix_stopped':
      return { type: 'mix.stopped', stream: event.data.name, data: { reason: event.data.reason } };
    case 'viewers_threshold':
      return { type: 'viewers.threshold', stream: event.data.stream, data: { viewers: event.data.viewers, threshold: event.data.threshold, direction: event.data.direction } };
    default:
      // webhook_event among them: it is this mapping's own output.
      return null;
  }
}

export class WebhookService {
  private readonly hooks = new Map<string, HookState>();
  private unsubscribe: (() => void) | null = null;
  private closed = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly deps: WebhookServiceDeps) {}

  /** Loads the kept hooks and starts delivering events. */
  async start(): Promise<void> {
    let kept: unknown = [];
    try {
      kept = JSON.parse(await fs.readFile(this.deps.file, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.deps.log.warn({ err }, `webhooks: ${this.deps.file} is unreadable; starting without hooks`);
    }
    for (const entry of Array.isArray(kept) ? (kept as unknown[]) : []) {
      const { id, createdAt, ...create } = (entry ?? {}) as StoredHook;
      if (typeof id !== 'string' || typeof createdAt !== 'string' || !Value.Check(WebhookCreate, create)) continue;
      this.hooks.set(id, { hook: { id, createdAt, ...create }, deliveries: [], pending: 0 });
    }
    // In the background: the once-a-second stream listing is built for watchers, not for webhooks.
    this.unsubscribe = this.deps.events.subscribe((event) => {
      // Our own output comes back through the same stream: never map it again.
      if (event.type === 'webhook_event') return;
      const mapped = webhookEvent(event);
      if (!mapped) return;
      this.dispatch(mapped.type, mapped.stream, mapped.data);
      // The same on the WebSocket, hooks or not; after the event itself has reached every listener.
      queueMicrotask(() => {
        if (this.closed) return;
        try {
          this.deps.events.publish('webhook_event', mapped);
        } catch (err) {
          // A listener that throws here would otherwise be an uncaught exception, outside any request.
          this.deps.log.error({ err }, 'webhooks: a listener of webhook_event failed');
        }
      });
    }, { background: true });
  }

  list(): Webhook[] {
    return [...this.hooks.values()].map((s) => this.view(s));
  }

  get(id: string): Webhook {
    return this.view(this.find(id));
  }

  async create(body: WebhookCreate): Promise<Webhook> {
    if (this.hooks.size >= maxWebhooks) throw new Problem('unavailable', 'Too many webhooks', `${maxWebhooks} webhooks exist already; delete one first`);
    const hook: StoredHook = { id: crypto.randomUUID(), createdAt: new Date().toISOString(), url: body.url, secret: body.secret, ...(body.events ? { events: [...new Set(body.events)] } : {}) };
    const state: HookState = { hook, deliveries: [], pending: 0 };
    this.hooks.set(hook.id, state);
    await this.save();
    return this.view(state);
  }

  async remove(id: string): Promise<void> {
    this.find(id);
    this.hooks.delete(id);
    await this.save();
  }

  /** Sends a `webhook.test` event to one hook now; its delivery shows in the hook's log. */
  test(id: string): Webhook {
    const state = this.find(id);
    this.deliver(state, 'webhook.test', null, { message: 'a test event from Framehouse' });
    return this.view(state);
  }

  close(): void {
    this.closed = true;
    this.unsubscribe?.();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private dispatch(type: WebhookEventType, stream: string | null, data: Record<string, unknown>): void {
    for (const state of this.hooks.values()) {
      if (state.hook.events && !state.hook.events.includes(type)) continue;
      this.deliver(state, type, stream, data);
    }
  }

  private deliver(state: HookState, type: WebhookEventType, stream: string | null, data: Record<string, unknown>): void {
    const delivery: WebhookDelivery = { id: crypto.randomUUID(), type, at: new Date().toISOString(), state: 'pending', attempts: 0, status: null, error: null };
    state.deliveries.unshift(delivery);
    state.deliveries.length = Math.min(state.deliveries.length, keptDeliveries);
    if (state.pending >= maxPending) {
      delivery.state = 'failed';
      delivery.error = `dropped: ${maxPending} deliveries already wait for this receiver`;
      return;
    }
    state.pending++;
    const body = JSON.stringify({ id: delivery.id, type, stream, at: delivery.at, data });
    void this.attempt(state, delivery, body);
  }

  private async attempt(state: HookState, delivery: WebhookDelivery, body: string): Promise<void> {
    if (this.closed) return;
    delivery.attempts++;
    try {
      const response = await fetch(state.hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'Framehouse-Webhooks', [signatureHeader]: signDelivery(state.hook.secret, body, Math.floor(Date.now() / 1000)) },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.deps.timeoutMs ?? 5000),
      });
      delivery.status = response.status;
      await response.body?.cancel().catch(() => undefined);
      if (response.ok) {
        delivery.state = 'delivered';
        delivery.error = null;
        state.pending--;
        return;
      }
      delivery.error = `the receiver answered ${response.status}`;
    } catch (err) {
      delivery.error = err instanceof Error && err.name === 'TimeoutError' ? 'the receiver did not answer in time' : `could not reach the receiver: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`;
    }
    const delays = this.deps.retryDelaysMs ?? [1000, 5000, 25_000];
    const wait = delays[delivery.attempts - 1];
    if (wait === undefined || this.closed || !this.hooks.has(state.hook.id)) {
      delivery.state = 'failed';
      state.pending--;
      this.deps.log.warn({ webhook: state.hook.id, type: delivery.type }, `webhook delivery to ${state.hook.url} failed: ${delivery.error}`);
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(state, delivery, body);
    }, wait);
    this.timers.add(timer);
  }

  private view(state: HookState): Webhook {
    return { id: state.hook.id, url: state.hook.url, events: state.hook.events ?? [...webhookEventTypes], createdAt: state.hook.createdAt, deliveries: state.deliveries.map((d) => ({ ...d })) };
  }

  private find(id: string): HookState {
    const state = this.hooks.get(id);
    if (!state) throw new Problem('not-found', 'No such webhook', `no webhook ${id}`);
    return state;
  }

  private save(): Promise<void> {
    // One after another, each writing the hooks as they are then; a failed save does not stop the next.
    const next = this.saving.catch(() => undefined).then(() => writeFileAtomic(this.deps.file, JSON.stringify([...this.hooks.values()].map((s) => s.hook), null, 2)));
    this.saving = next;
    return next;
  }
}

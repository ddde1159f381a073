import type { StudioEvent, StudioEventMap, StudioEventType } from '../contract/studio-api.js';

export type StudioEventListener = (event: StudioEvent) => void;

/**
 * The studio's outgoing event stream (what /api/events carries). Typed by
 * StudioEventMap, so publishing a wrong payload is a compile error.
 */
export class StudioEvents {
  private readonly listeners = new Set<StudioEventListener>();
  /** Listeners that take what happens anyway (webhooks) but never ask for the costly periodic events. */
  private readonly background = new Set<StudioEventListener>();

  publish<K extends StudioEventType>(type: K, data: StudioEventMap[K]): void {
    const event = { type, at: new Date().toISOString(), data } as StudioEvent;
    for (const listener of this.listeners) listener(event);
  }

  /** Whether anybody listens: events that are costly to assemble are skipped otherwise. */
  get hasSubscribers(): boolean {
    return this.listeners.size > this.background.size;
  }

  /** `background`: the listener does not count in hasSubscribers (it wants no event built only for watchers). */
  subscribe(listener: StudioEventListener, options: { background?: boolean } = {}): () => void {
    this.listeners.add(listener);
    if (options.background) this.background.add(listener);
    return () => {
      this.listeners.delete(listener);
      this.background.delete(listener);
    };
  }
}

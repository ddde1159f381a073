import type { PublishAnswer, PublishRequest } from '../streams/stream-registry.js';

/** What an ingest server needs from the stream registry: a yes or no for each publisher. */
export interface PublishGate {
  /**
   * The auth hook's word on a publisher (Settings → authHookUrl), asked before
   * requestPublish: null allows, a string is why not. Without a hook: null at once.
   */
  authorize?(request: Omit<PublishRequest, 'kick'>): Promise<string | null>;
  /** The same from the hook's cache alone: undefined when it must be asked (SRT asks, then answers the caller's next handshake). */
  authorizedNow?(request: Omit<PublishRequest, 'kick'>): string | null | undefined;
  requestPublish(request: PublishRequest): PublishAnswer;
  reportRefused(who: Pick<PublishRequest, 'name' | 'protocol' | 'remoteAddress'>, reason: string): void;
}

/**
 * The secret a publisher gave, from the query of its stream key or URL: the stream's
 * password (`password`, or `pass` as some encoders name it) or the studio publish key (`key`).
 * Either is checked against both, so the encoder's field name does not matter.
 */
export function publishSecret(params: URLSearchParams): string | null {
  return params.get('password') ?? params.get('pass') ?? params.get('key');
}

/** "cam1?password=secret&x=1" → name part and the secret. */
export function splitStreamKey(key: string): { key: string; password: string | null } {
  const q = key.indexOf('?');
  if (q < 0) return { key, password: null };
  return { key: key.slice(0, q), password: publishSecret(new URLSearchParams(key.slice(q + 1))) };
}

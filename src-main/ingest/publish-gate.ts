import type { PublishAnswer, PublishRequest } from '../streams/stream-registry.js';

/** What an ingest server needs from the stream registry: a yes or no for each publisher. */
export interface PublishGate {
  requestPublish(request: PublishRequest): PublishAnswer;
  reportRefused(who: Pick<PublishRequest, 'name' | 'protocol' | 'remoteAddress'>, reason: string): void;
}

/** "cam1?password=secret&x=1" → name part and password. */
export function splitStreamKey(key: string): { key: string; password: string | null } {
  const q = key.indexOf('?');
  if (q < 0) return { key, password: null };
  const params = new URLSearchParams(key.slice(q + 1));
  return { key: key.slice(0, q), password: params.get('password') ?? params.get('pass') };
}

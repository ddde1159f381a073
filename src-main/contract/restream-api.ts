// Restream (push): a stream sent on to other servers (YouTube, Twitch, another studio) as
// it arrives. Free of Node APIs: the renderer imports it.
import { Type, type Static } from 'typebox';

export const PushTarget = Type.Object(
  {
    id: Type.Optional(Type.String({ pattern: '^[a-z0-9_-]{1,40}$', description: 'Stable name of the target (made from its position when left out)' })),
    url: Type.String({
      minLength: 8,
      maxLength: 2048,
      pattern: '^(rtmps?|srt)://[^\\s]+$',
      description: 'rtmp://server/app/KEY, rtmps://… (TLS), or srt://host:port?streamid=…&passphrase=… (caller)',
    }),
    enabled: Type.Optional(Type.Boolean({ description: 'Default true' })),
    label: Type.Optional(Type.String({ maxLength: 80 })),
    rendition: Type.Optional(Type.Union([Type.String({ pattern: '^[A-Za-z0-9_.-]{1,40}$' }), Type.Null()], { description: 'Send a rendition of the ladder (e.g. 720p) instead of the source as it comes' })),
  },
  { additionalProperties: false },
);
export type PushTarget = Static<typeof PushTarget>;

export const PushState = Type.Union([Type.Literal('idle'), Type.Literal('connecting'), Type.Literal('live'), Type.Literal('retrying'), Type.Literal('disabled')], {
  description: 'idle: the source is offline; connecting; live: sending; retrying: the target dropped, trying again after a pause; disabled',
});
export type PushState = Static<typeof PushState>;

export const PushStatus = Type.Object({
  id: Type.String(),
  label: Type.String(),
  /** The URL with its stream key and secrets masked. */
  url: Type.String(),
  rendition: Type.Union([Type.String(), Type.Null()]),
  state: PushState,
  /** Bits per second sent over the last seconds. */
  bitrate: Type.Number(),
  uptimeSeconds: Type.Number(),
  /** Times it connected again after a drop. */
  reconnects: Type.Integer(),
  lastError: Type.Union([Type.String(), Type.Null()]),
  /** When it tries again (retrying), ISO 8601. */
  retryAt: Type.Union([Type.String(), Type.Null()]),
});
export type PushStatus = Static<typeof PushStatus>;

/** Every query value, whatever its name: platforms put secrets in any of them (Facebook's a=, pwd=, auth=). */
const queryValue = /([?&][^=&#]*=)[^&#]*/g;

/**
 * A push URL fit to show: user:secret@ and every query value masked, and an RTMP URL's
 * stream key (its last path part) cut to its last 4 characters, as YouTube shows keys.
 */
export function maskPushUrl(url: string): string {
  let masked = url.replace(/^([a-z]+:\/\/)([^/@\s]*)@/i, (_, scheme: string, user: string) => `${scheme}${user.split(':')[0]}:***@`).replace(queryValue, '$1***');
  const rtmp = /^(rtmps?:\/\/[^/]+\/[^?]+\/)([^/?]+)(.*)$/i.exec(masked);
  if (rtmp) masked = `${rtmp[1]}${rtmp[2]!.length > 4 ? `***${rtmp[2]!.slice(-4)}` : '***'}${rtmp[3]}`;
  return masked;
}

/** Whether `shown` is what maskPushUrl made of `stored`: a form sending it back unchanged keeps the real URL. */
export const isMaskedFormOf = (shown: string, stored: string) => shown.includes('***') && maskPushUrl(stored) === shown;

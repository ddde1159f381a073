// Webhooks: the studio tells other systems what happens, as signed JSON POSTs.
import { Type, type Static } from 'typebox';

export const WebhookEventType = Type.Union([
  Type.Literal('stream.published'),
  Type.Literal('stream.unpublished'),
  Type.Literal('stream.source_lost'),
  Type.Literal('export.done'),
  Type.Literal('recording.finished'),
  Type.Literal('restream.up'),
  Type.Literal('restream.down'),
  Type.Literal('disk.low'),
  Type.Literal('dvr.gap'),
  Type.Literal('mix.started'),
  Type.Literal('mix.stopped'),
  Type.Literal('viewers.threshold'),
  Type.Literal('webhook.test'),
]);
export type WebhookEventType = Static<typeof WebhookEventType>;
/** Every event a hook can ask for (a hook that names none gets these). */
export const webhookEventTypes: readonly WebhookEventType[] = WebhookEventType.anyOf.map((literal) => literal.const);

export const WebhookCreate = Type.Object(
  {
    url: Type.String({ minLength: 8, maxLength: 2048, pattern: '^https?://', description: 'Where events are POSTed (http or https)' }),
    secret: Type.String({ minLength: 16, maxLength: 256, description: 'Signs each delivery (HMAC-SHA256); never shown again' }),
    events: Type.Optional(Type.Array(WebhookEventType, { maxItems: webhookEventTypes.length, description: 'The events wanted (default: all)' })),
  },
  { additionalProperties: false },
);
export type WebhookCreate = Static<typeof WebhookCreate>;

export const WebhookDelivery = Type.Object({
  id: Type.String(),
  type: Type.String(),
  at: Type.String(),
  state: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  /** The receiver's last HTTP status, or null when it never answered. */
  status: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
});
export type WebhookDelivery = Static<typeof WebhookDelivery>;

export const Webhook = Type.Object({
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  createdAt: Type.String(),
  /** The newest deliveries first, at most 50. */
  deliveries: Type.Array(WebhookDelivery),
});
export type Webhook = Static<typeof Webhook>;

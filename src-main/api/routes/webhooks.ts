// Webhooks (contract/webhook-api.ts): admin only; a hook's secret goes in and never comes out.
import { Type } from 'typebox';
import type { FastifyInstance } from 'fastify';
import { ErrorBody } from '../../contract/studio-api.js';
import { Webhook, WebhookCreate } from '../../contract/webhook-api.js';
import type { WebhookService } from '../../events/webhooks.js';

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
type IdParams = { id: string };

export function webhookRoutes(hooks: WebhookService) {
  return async (app: FastifyInstance) => {
    app.get('/api/webhooks', { config: { access: 'admin' }, schema: { tags: ['webhooks'], summary: 'The webhooks and their recent deliveries', response: { 200: Type.Array(Webhook) } } }, async () => hooks.list());
    app.post<{ Body: WebhookCreate }>(
      '/api/webhooks',
      { config: { access: 'admin' }, schema: { tags: ['webhooks'], summary: 'Add a webhook: events POSTed as JSON, signed in X-Framehouse-Signature', body: WebhookCreate, response: { 201: Webhook, 400: ErrorBody, 503: ErrorBody } } },
      async (request, reply) => reply.code(201).send(await hooks.create(request.body)),
    );
    app.get<{ Params: IdParams }>(
      '/api/webhooks/:id',
      { config: { access: 'admin' }, schema: { tags: ['webhooks'], params: IdParams, response: { 200: Webhook, 404: ErrorBody } } },
      async (request) => hooks.get(request.params.id),
    );
    app.post<{ Params: IdParams }>(
      '/api/webhooks/:id/test',
      { config: { access: 'admin' }, schema: { tags: ['webhooks'], summary: 'Send a webhook.test event to this hook now', params: IdParams, response: { 202: Webhook, 404: ErrorBody } } },
      async (request, reply) => reply.code(202).send(hooks.test(request.params.id)),
    );
    app.delete<{ Params: IdParams }>(
      '/api/webhooks/:id',
      { config: { access: 'admin' }, schema: { tags: ['webhooks'], params: IdParams, response: { 404: ErrorBody } } },
      async (request, reply) => {
        await hooks.remove(request.params.id);
        return reply.code(204).send();
      },
    );
  };
}

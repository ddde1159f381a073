import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import fastifyWebsocket from '@fastify/websocket';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import { frameworkErrorHandler, installErrorHandlers, sendNotFound } from '../http/problem-reply.js';
import { installAccessControl, requireDeclaredAccess, type RouteTableEntry } from './auth/access-control.js';
import type { HostGuard } from './auth/host-guard.js';
import { registerRoutes, type StudioRouteDeps } from './routes/index.js';

export interface ServerDeps extends StudioRouteDeps {
  hosts: HostGuard;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every registered route with its declared access level. */
    routeTable: readonly RouteTableEntry[];
  }
}

/** Builds the HTTP app without listening (listening is HttpListener's job), so tests can inject(). */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log.child({ module: 'http' }) as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    // No child logger per request (a measurable share of a playlist reload's cost); lines about a request name its URL.
    childLoggerFactory: (logger) => logger,
    bodyLimit: 1 << 20,
    // Long-lived playback and event connections are normal; idle keep-alive ones are not kept forever.
    keepAliveTimeout: 65_000,
    routerOptions: { maxParamLength: 512 },
    frameworkErrors: frameworkErrorHandler,
  });
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  installErrorHandlers(app);

  // Every route declares who may call it. Two plugins register routes that take no
  // config of ours: the API docs (they describe, they do not act) and the UI's hashed assets.
  const routeTable: RouteTableEntry[] = [];
  requireDeclaredAccess(app, routeTable, (route) => (route.url === '/api/docs' || route.url.startsWith('/api/docs/') || route.url.startsWith('/assets/') ? 'public' : undefined));
  app.decorate('routeTable', routeTable);
  await app.register(fastifyCookie);
  await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(fastifySwagger, {
    openapi: {
      info: { title: 'Framehouse studio API', version: deps.version, description: 'Control API of the Framehouse studio server.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'fh_session' } } },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  installAccessControl(app, deps.access, deps.hosts);
  // Unknown API paths are a plain 404, signed in or not (the UI's catch-all must not take them).
  app.all('/api/*', { config: { access: 'public' }, schema: { hide: true } }, sendNotFound);

  await registerRoutes(app, deps);
  return app;
}

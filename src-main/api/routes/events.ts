import type { FastifyInstance } from 'fastify';
import type { StudioEvents } from '../../events/studio-events.js';

// A client that stops reading gets events dropped, then is cut off, so it can
// never make the studio buffer without bound.
const dropAboveBytes = 1 << 20;
const closeAboveBytes = 8 << 20;

export function eventsRoutes(deps: { events: StudioEvents; hello: () => { version: string } }) {
  return async (app: FastifyInstance) => {
    app.get('/api/events', { config: { access: 'admin' }, websocket: true, schema: { hide: true } }, (socket) => {
      const send = (text: string) => {
        if (socket.bufferedAmount > closeAboveBytes) return socket.close(1013, 'client too slow');
        if (socket.bufferedAmount > dropAboveBytes) return;
        socket.send(text);
      };
      send(JSON.stringify({ type: 'hello', at: new Date().toISOString(), data: { ...deps.hello(), serverTime: new Date().toISOString() } }));
      const unsubscribe = deps.events.subscribe((event) => send(JSON.stringify(event)));
      socket.on('close', unsubscribe);
      socket.on('error', unsubscribe);
    });
  };
}

import Fastify, { type FastifyInstance } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import { afterEach, describe, expect, it } from 'vitest';
import type { StreamInfo } from '../../contract/studio-api.js';
import type { PublicStream } from '../../contract/public-api.js';
import { createAccessControl, installAccessControl } from '../auth/access-control.js';
import { HostGuard } from '../auth/host-guard.js';
import { SessionStore } from '../auth/session-store.js';
import { openDatabase } from '../../db/index.js';
import { useStudio } from '../../test-support/studio-instance.js';
import { startFfmpeg, testSourceArgs } from '../../test-support/ffmpeg-tools.js';
import { until } from '../../test-support/wait.js';
import { watchRoutes } from './watch.js';

/** A stream with every secret StreamInfo can carry filled in. */
function secretStream(overrides: Partial<StreamInfo> = {}): StreamInfo {
  return {
    name: 'cams/door',
    title: 'Front door',
    configured: true,
    state: 'publishing',
    reason: 'rtsp://admin:hunter2@10.9.8.7/stream: connection refused',
    protocol: 'pull',
    remoteAddress: '10.9.8.7',
    sourceUrl: 'rtsp://admin:hunter2@10.9.8.7/stream',
    startedAt: '2024-05-01T10:00:00.000Z',
    uptime: 12,
    video: { codec: 'h264', profile: 'High', level: '4.0', width: 1920, height: 1080, fps: 30, declaredFps: 30, bFrames: false },
    audio: { codec: 'aac', profile: 'LC', sampleRate: 48000, channels: 2 },
    bitrate: { last1s: 1, last10s: 1 },
    keyframeInterval: { last: 2, average: 2, irregular: false },
    framesIn: 1,
    bytesIn: 1,
    lastFrameAgeMs: 1,
    errors: { continuity: 0, timestampJumps: 0, droppedFrames: 0 },
    warnings: ['Keyframes every 4 s'],
    viewers: 3,
    bitrateHistory: [1],
    keyframes: 1,
    dvr: { recording: true, error: null },
    config: {
      name: 'cams/door',
      title: 'Front door',
      sources: [{ url: 'rtsp://admin:***@10.9.8.7/stream', priority: 0 }],
      publishEnabled: true,
      publishPasswordSet: true,
      takeover: false,
      loop: false,
      playlist: false,
      dvr: true,
      dvrDepth: '',
      dvrMaxSize: '',
      playToken: 'viewer-T0ken_secret',
      transcode: null,
      push: [],
      recordFiles: null,
    },
    ...overrides,
  };
}

const token = 'admin-token-for-tests-0123456789';
let app: FastifyInstance | null = null;

async function appWith(streams: StreamInfo[], archive = (_name: string) => ({ firstMs: null as number | null, lastMs: null as number | null })): Promise<FastifyInstance> {
  const server = Fastify();
  server.setValidatorCompiler(TypeBoxValidatorCompiler);
  await server.register(fastifyCookie);
  installAccessControl(server, createAccessControl(token, new SessionStore(openDatabase(':memory:'), token)), new HostGuard(() => ({ host: '127.0.0.1', allowedHosts: [] })));
  await server.register(watchRoutes({ list: () => streams, archive }));
  await server.ready();
  app = server;
  return server;
}

afterEach(async () => {
  await app?.close();
  app = null;
});

describe('GET /api/public/streams', () => {
  it('answers without the admin token', async () => {
    const server = await appWith([secretStream()]);
    const res = await server.inject({ url: '/api/public/streams', headers: { host: '127.0.0.1:8935' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('gives what a viewer needs and nothing about sources, publishers, passwords or tokens', async () => {
    const server = await appWith([secretStream(), secretStream({ name: 'live/open', title: '', state: 'idle', video: null, audio: null, config: null })], (name) =>
      name === 'cams/door' ? { firstMs: 1_714_557_600_000, lastMs: 1_714_561_200_000 } : { firstMs: null, lastMs: null },
    );
    const res = await server.inject({ url: '/api/public/streams', headers: { host: '127.0.0.1:8935' } });
    expect(res.json()).toEqual([
      {
        name: 'cams/door',
        title: 'Front door',
        live: true,
        video: { codec: 'h264', width: 1920, height: 1080 },
        audio: { codec: 'aac' },
        locked: true,
        archive: { firstMs: 1_714_557_600_000, lastMs: 1_714_561_200_000 },
      },
      { name: 'live/open', title: '', live: false, video: null, audio: null, locked: false, archive: null },
    ] satisfies PublicStream[]);
    for (const secret of ['hunter2', '10.9.8.7', 'rtsp', 'viewer-T0ken_secret', 'playToken', 'password', 'remoteAddress', 'viewers', token]) {
      expect(res.body).not.toContain(secret);
    }
  });

  it('is still refused for a Host that is not this studio (DNS rebinding)', async () => {
    const server = await appWith([secretStream()]);
    const res = await server.inject({ url: '/api/public/streams', headers: { host: 'attacker.example' } });
    expect(res.statusCode).toBe(403);
  });
});

describe('GET /api/public/streams in a running studio', () => {
  const studio = useStudio({ host: '127.0.0.1' });

  it('lists configured and published streams to an anonymous client, locked ones marked, secrets left out', async () => {
    const created = await studio().api('/api/streams', {
      method: 'POST',
      body: JSON.stringify({
        name: 'cams/door',
        title: 'Door',
        publishPassword: 'p4ss-word',
        playToken: 'view-Token_1',
        sources: [{ url: 'rtsp://admin:hunter2@127.0.0.1:9/stream', priority: 0 }],
      }),
    });
    expect(created.status).toBe(201);
    const publisher = startFfmpeg(['-re', ...testSourceArgs({ size: '320x240', seconds: 20, gop: 30 }), '-f', 'flv', `rtmp://127.0.0.1:${studio().rtmpPort}/live/open`]);
    try {
      const anonymous = () => fetch(new URL('/api/public/streams', studio().urls.http));
      const list = await until('live/open live with an archive', async () => {
        const res = await anonymous();
        expect(res.status).toBe(200);
        const body = (await res.json()) as PublicStream[];
        const open = body.find((s) => s.name === 'live/open');
        return open?.live && open.archive ? body : null;
      }, 20_000);
      expect(list.find((s) => s.name === 'cams/door')).toEqual({ name: 'cams/door', title: 'Door', live: false, video: null, audio: null, locked: true, archive: null });
      const open = list.find((s) => s.name === 'live/open')!;
      expect(open).toMatchObject({ title: '', live: true, locked: false, video: { codec: 'h264', width: 320, height: 240 }, audio: { codec: 'aac' } });
      expect(open.archive!.lastMs).toBeGreaterThan(open.archive!.firstMs);
      const text = await (await anonymous()).text();
      for (const secret of ['hunter2', 'p4ss-word', 'view-Token_1', '127.0.0.1', 'rtsp', 'rtmp']) expect(text).not.toContain(secret);
    } finally {
      await publisher.stop();
    }
  }, 40_000);
});

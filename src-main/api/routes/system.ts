import type { FastifyInstance } from 'fastify';
import { ErrorBody, FfmpegStatus, SystemInfo, type LanDiscovery, type PortMove } from '../../contract/studio-api.js';
import type { SystemMonitor } from '../../system/system-status.js';
import type { FfmpegService } from '../../transcode/index.js';

export function systemRoutes(deps: {
  monitor: SystemMonitor;
  ffmpeg: FfmpegService;
  dataDir: string;
  portMoves: () => PortMove[];
  lanDiscovery: () => LanDiscovery;
}) {
  return async (app: FastifyInstance) => {
    app.get(
      '/api/system',
      { config: { access: 'admin' },
        schema: {
          tags: ['system'],
          summary: 'Version, load, memory, data-dir disk space, and ffmpeg with the encoders that work here',
          response: { 200: SystemInfo, 401: ErrorBody },
        },
      },
      async () => ({
        ...(await deps.monitor.status()),
        ffmpeg: await deps.ffmpeg.current(),
        portMoves: deps.portMoves(),
        dataDirPath: deps.dataDir,
        lanDiscovery: deps.lanDiscovery(),
      }),
    );
    app.post(
      '/api/system/ffmpeg/probe',
      { config: { access: 'admin' },
        schema: {
          tags: ['system'],
          summary: 'Look for ffmpeg again and re-run a short test encode with every encoder it has',
          response: { 200: FfmpegStatus, 401: ErrorBody },
        },
      },
      async () => deps.ffmpeg.refresh({ force: true }),
    );
  };
}

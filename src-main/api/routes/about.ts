import fs from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Value } from 'typebox/value';
import { AboutInfo, FfmpegBuild, type ThirdPartyNotice } from '../../contract/about-api.js';
import { ErrorBody } from '../../contract/studio-api.js';

export interface AboutRouteDeps {
  version: string;
  /** The packaged app's resources folder, whose ffmpeg/ holds the bundled build; null outside the desktop app. */
  bundledResourcesDir: string | null;
  /** hls.js's licence, as scripts/build.mjs copied it beside the player script. */
  hlsJsLicenceFile: string;
}

const readText = (file: string) => fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? null : Promise.reject(err)));

/** GET /api/about: the version and the licences of what the studio ships, for the About page. */
export function aboutRoutes(deps: AboutRouteDeps) {
  return async (app: FastifyInstance) => {
    app.get(
      '/api/about',
      {
        config: { access: 'admin' },
        schema: {
          tags: ['system'],
          summary: "The studio's version, the bundled ffmpeg's build record and licence, and other third-party notices",
          response: { 200: AboutInfo, 401: ErrorBody },
        },
      },
      async (request): Promise<AboutInfo> => {
        let ffmpeg: AboutInfo['ffmpeg'] = null;
        if (deps.bundledResourcesDir !== null) {
          const dir = path.join(deps.bundledResourcesDir, 'ffmpeg');
          const raw = await readText(path.join(dir, 'BUILD.json'));
          let build: unknown = null;
          try {
            build = raw === null ? null : JSON.parse(raw);
          } catch {
            // reported below with a wrong shape
          }
          if (raw !== null && Value.Check(FfmpegBuild, build)) {
            // BUILD.json names its licence file; only a plain name beside it is read.
            const licenceFile = path.basename(build.licenceFile);
            ffmpeg = { build, licenceText: await readText(path.join(dir, licenceFile)) };
          } else if (raw !== null) {
            request.log.warn(`${path.join(dir, 'BUILD.json')} is not a build record of scripts/ffmpeg-release.mjs; the About page shows no ffmpeg build`);
          }
        }
        const notices: ThirdPartyNotice[] = [];
        const hlsJs = await readText(deps.hlsJsLicenceFile);
        if (hlsJs !== null) notices.push({ name: 'hls.js', licence: 'Apache-2.0', text: hlsJs });
        return { version: deps.version, ffmpeg, notices };
      },
    );
  };
}

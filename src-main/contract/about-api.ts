// GET /api/about: what the About page shows, the studio's version and the notices of the
// third-party software it ships (the bundled ffmpeg's build record and licence, hls.js).
// Free of Node APIs: the renderer imports its types.
import { Type, type Static } from 'typebox';

/** One archive a bundled ffmpeg came from, as scripts/ffmpeg-release.mjs recorded it. */
export const FfmpegBuildSource = Type.Object({
  url: Type.String({ description: 'Where the archive was downloaded from (file:// for a build supplied with --from)' }),
  sha256: Type.Union([Type.String(), Type.Null()], { description: 'SHA-256 of that archive, as verified; null for a build supplied as a folder' }),
  provides: Type.Array(Type.String(), { description: 'Which of ffmpeg and ffprobe it provided' }),
  version: Type.Optional(Type.Union([Type.String(), Type.Null()])),
});
export type FfmpegBuildSource = Static<typeof FfmpegBuildSource>;

/** BUILD.json beside the bundled ffmpeg (resources/ffmpeg/<os>-<arch>/ in a checkout). */
export const FfmpegBuild = Type.Object({
  target: Type.String({ description: 'Installer target, as electron-builder names it: win-x64, mac-arm64, linux-x64, …' }),
  version: Type.String({ description: "ffmpeg's own -version answer when it could run where it was placed, else the pinned version; 'unknown' when neither" }),
  licence: Type.String({ description: 'Licence of the build, e.g. GPL-3.0-or-later' }),
  licenceFile: Type.String({ description: 'The licence text beside the binaries' }),
  sources: Type.Array(FfmpegBuildSource),
  files: Type.Record(Type.String(), Type.String(), { description: 'SHA-256 of each placed binary, by file name' }),
  placedAt: Type.String({ description: 'When the build was placed (ISO 8601)' }),
});
export type FfmpegBuild = Static<typeof FfmpegBuild>;

export const ThirdPartyNotice = Type.Object({
  name: Type.String(),
  licence: Type.String({ description: 'SPDX identifier' }),
  text: Type.String({ description: 'The full licence text' }),
});
export type ThirdPartyNotice = Static<typeof ThirdPartyNotice>;

export const AboutInfo = Type.Object({
  version: Type.String({ description: "The studio's version" }),
  ffmpeg: Type.Union(
    [
      Type.Object({
        build: FfmpegBuild,
        licenceText: Type.Union([Type.String(), Type.Null()], { description: 'The text of LICENSE.txt beside it; null when missing' }),
      }),
      Type.Null(),
    ],
    { description: 'The ffmpeg bundled with the desktop app; null without one (a checkout, a headless install, or ffmpeg from PATH)' },
  ),
  notices: Type.Array(ThirdPartyNotice, { description: 'Other third-party software the studio serves or ships, with its licence' }),
});
export type AboutInfo = Static<typeof AboutInfo>;

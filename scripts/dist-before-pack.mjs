// electron-builder's beforePack hook (electron-builder.yml): runs before each platform/arch
// is packed, so an installer never ships without the ffmpeg its extraResources copies, even
// when electron-builder is run directly instead of through `npm run dist`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsIn, ffmpegMissingMessage, missingFfmpegFiles, packTarget } from './dist-check.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export default async function beforePack(context) {
  const target = packTarget(context.electronPlatformName, context.arch);
  const missing = missingFfmpegFiles(target, existsIn(root));
  if (missing.length > 0) throw new Error(ffmpegMissingMessage(target, missing));
}

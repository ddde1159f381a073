import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ProcessRegistry } from './process-registry.js';

export type FfmpegSource = 'setting' | 'env' | 'bundled' | 'path' | 'package-manager';

export interface FfmpegCandidate {
  path: string;
  source: FfmpegSource;
}

export type LocateResult =
  | { found: true; path: string; source: FfmpegSource; version: string; ffprobePath: string | null; skipped: { path: string; reason: string }[] }
  | { found: false; reason: string; skipped: { path: string; reason: string }[] };

const exe = (name: string, platform: NodeJS.Platform) => (platform === 'win32' ? `${name}.exe` : name);

/** Finds an executable on PATH the way a shell would; null when it is not there. */
export async function whichExecutable(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  executable: (file: string) => Promise<boolean> = isExecutable,
): Promise<string | null> {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, exe(name, platform));
    if (await executable(candidate)) return candidate;
  }
  return null;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) return false;
    await fs.access(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Package managers' folders, looked in after PATH: a macOS app started from Finder
 * or the Dock gets launchd's PATH (/usr/bin:/bin:/usr/sbin:/sbin), without Homebrew's
 * (/opt/homebrew on Apple silicon, /usr/local on Intel) or MacPorts' (/opt/local).
 */
export function packageManagerDirs(platform: NodeJS.Platform, home: string): string[] {
  if (platform === 'darwin') return ['/opt/homebrew/bin', '/usr/local/bin', '/opt/local/bin'];
  if (platform === 'linux') return ['/home/linuxbrew/.linuxbrew/bin', path.posix.join(home, '.linuxbrew', 'bin'), '/snap/bin'];
  return [];
}

/**
 * The order users expect: the setting, FFMPEG_PATH, the copy bundled with the
 * desktop app (under its resources folder, so the build we ship and test is used
 * over whatever else is installed), then PATH, then package managers' folders.
 */
export async function ffmpegCandidates(options: {
  setting: string;
  env: NodeJS.ProcessEnv;
  resourcesDir: string | null;
  platform?: NodeJS.Platform;
  home?: string;
  /** For tests simulating another OS's folders. */
  isExecutable?: (file: string) => Promise<boolean>;
}): Promise<FfmpegCandidate[]> {
  const platform = options.platform ?? process.platform;
  const executable = options.isExecutable ?? isExecutable;
  const out: FfmpegCandidate[] = [];
  if (options.setting) out.push({ path: options.setting, source: 'setting' });
  if (options.env.FFMPEG_PATH) out.push({ path: options.env.FFMPEG_PATH, source: 'env' });
  if (options.resourcesDir) out.push({ path: path.join(options.resourcesDir, 'ffmpeg', exe('ffmpeg', platform)), source: 'bundled' });
  const onPath = await whichExecutable('ffmpeg', options.env, platform, executable);
  if (onPath) out.push({ path: onPath, source: 'path' });
  for (const dir of packageManagerDirs(platform, options.home ?? os.homedir())) {
    const file = path.join(dir, exe('ffmpeg', platform));
    if (file !== onPath && (await executable(file))) out.push({ path: file, source: 'package-manager' });
  }
  return out;
}

/** "ffmpeg version 5.1.6-0+deb12u1 Copyright ..." → "5.1.6-0+deb12u1" */
export function parseFfmpegVersion(output: string): string | null {
  const match = /^ff(?:mpeg|probe) version (\S+)/m.exec(output);
  return match ? match[1]! : null;
}

export async function locateFfmpeg(candidates: readonly FfmpegCandidate[], processes: ProcessRegistry, env: NodeJS.ProcessEnv): Promise<LocateResult> {
  const skipped: { path: string; reason: string }[] = [];
  for (const candidate of candidates) {
    const result = await processes.run(candidate.path, ['-hide_banner', '-version'], { label: 'ffmpeg -version', timeoutMs: 10_000 });
    const version = result.code === 0 ? parseFfmpegVersion(result.stdout) : null;
    if (!version) {
      const why = result.code === null && !result.timedOut ? result.stderr.trim() || 'cannot be started' : result.timedOut ? 'did not answer within 10 s' : `exited with code ${result.code}`;
      skipped.push({ path: candidate.path, reason: `${candidate.source}: ${why}` });
      continue;
    }
    return { found: true, path: candidate.path, source: candidate.source, version, ffprobePath: await locateFfprobe(candidate.path, env), skipped };
  }
  const tried = skipped.map((s) => `${s.path} (${s.reason})`).join('; ');
  return {
    found: false,
    reason: `ffmpeg not found: set FFMPEG_PATH or the ffmpeg path in Settings, or install ffmpeg${tried ? `. Tried ${tried}` : ''}`,
    skipped,
  };
}

async function locateFfprobe(ffmpegPath: string, env: NodeJS.ProcessEnv): Promise<string | null> {
  const sibling = path.join(path.dirname(ffmpegPath), path.basename(ffmpegPath).replace(/ffmpeg/i, 'ffprobe'));
  if (sibling !== ffmpegPath && (await isExecutable(sibling))) return sibling;
  if (env.FFPROBE_PATH && (await isExecutable(env.FFPROBE_PATH))) return env.FFPROBE_PATH;
  return whichExecutable('ffprobe', env);
}

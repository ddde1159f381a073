// What `npm run dist` checks before it builds installers, as small pure functions (tested in
// scripts/dist-check.test.ts): which targets a run builds, whether each has its ffmpeg, and
// whether the installers will be signed, notarized and pointed at an update feed.
// scripts/dist.mjs and the electron-builder beforePack hook (scripts/dist-before-pack.mjs)
// act on the answers.
import fs from 'node:fs';
import path from 'node:path';

/** What resources/ffmpeg/<target>/ must hold: the binaries, and what their licence requires to travel with them. */
export function ffmpegFiles(target) {
  const exe = target.startsWith('win-') ? '.exe' : '';
  return [`ffmpeg${exe}`, `ffprobe${exe}`, 'LICENSE.txt', 'BUILD.json'];
}

/** The files of a target's ffmpeg folder that are not there, as paths relative to the project. */
export function missingFfmpegFiles(target, exists) {
  return ffmpegFiles(target)
    .map((f) => `resources/ffmpeg/${target}/${f}`)
    .filter((rel) => !exists(rel));
}

/** `exists` for missingFfmpegFiles, on the real project folder. */
export const existsIn = (root) => (rel) => fs.existsSync(path.join(root, ...rel.split('/')));

export function ffmpegMissingMessage(target, missing) {
  return [
    `${target}: the installer would ship without ffmpeg. Missing:`,
    ...missing.map((m) => `  ${m}`),
    `Fetch the pinned build:   npm run ffmpeg -- --target ${target}`,
    `or place one you have:    npm run ffmpeg -- --target ${target} --from <archive or folder>`,
    '(README, "Build installers")',
  ].join('\n');
}

const platformOfElectron = { darwin: 'mac', win32: 'win', linux: 'linux' };
// builder-util's Arch enum, by value: the hook gets the number.
const archNames = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

/** The ${os}-${arch} folder electron-builder's extraResources reads for one pack. */
export function packTarget(electronPlatformName, arch) {
  const osName = platformOfElectron[electronPlatformName] ?? electronPlatformName;
  return `${osName}-${typeof arch === 'number' ? archNames[arch] ?? String(arch) : arch}`;
}

/** The platform (mac/win/linux) and arch of this machine, as the dist flags name them. */
export const hostPlatform = (platform = process.platform) => platformOfElectron[platform] ?? platform;

/**
 * The flags `npm run dist -- …` understands: a platform (--win, --mac, --linux), an arch
 * (--x64, --arm64), --dir for an unpacked app only. Anything else is a mistake, not passed on.
 */
export function parseDistArgs(argv) {
  const out = { platforms: [], archs: [], dir: false };
  for (const arg of argv) {
    const flag = arg.replace(/^-+/, '');
    if (['win', 'mac', 'linux'].includes(flag)) out.platforms.push(flag);
    else if (['x64', 'arm64'].includes(flag)) out.archs.push(flag);
    else if (flag === 'dir') out.dir = true;
    else throw new Error(`unknown option ${arg}: npm run dist -- [--win|--mac|--linux] [--x64] [--arm64] [--dir]`);
  }
  return out;
}

/**
 * The ${os}-${arch} targets a run builds, as electron-builder picks them: arch flags win, then
 * the archs the config lists for the platform's targets, then this machine's arch.
 */
export function distTargets(args, config, host = { platform: hostPlatform(), arch: process.arch }) {
  const platforms = args.platforms.length > 0 ? args.platforms : [host.platform];
  const targets = [];
  for (const p of platforms) {
    let archs = args.archs;
    if (archs.length === 0) {
      const listed = [config?.[p]?.target ?? []].flat().flatMap((t) => (typeof t === 'object' && t !== null && t.arch !== undefined ? [t.arch].flat() : []));
      archs = listed.length > 0 ? listed : [host.arch];
    }
    for (const a of new Set(archs)) targets.push(`${p}-${a}`);
  }
  return targets;
}

const set = (env, name) => typeof env[name] === 'string' && env[name].trim() !== '';

/**
 * What will happen about signing and notarization for a platform, from the environment
 * electron-builder reads. `state`: 'on', 'skipped' (fine, said plainly),
 * or 'error' (electron-builder would fail on it later, after a long build).
 */
export function releaseStatus(platform, env) {
  const lines = [];
  if (platform === 'win') {
    const link = set(env, 'WIN_CSC_LINK') ? 'WIN_CSC_LINK' : set(env, 'CSC_LINK') ? 'CSC_LINK' : null;
    const password = set(env, 'WIN_CSC_KEY_PASSWORD') ? 'WIN_CSC_KEY_PASSWORD' : set(env, 'CSC_KEY_PASSWORD') ? 'CSC_KEY_PASSWORD' : null;
    if (link === null) lines.push({ step: 'Windows signing', state: 'skipped', detail: 'CSC_LINK (or WIN_CSC_LINK) not set: the installer is unsigned and SmartScreen warns whoever runs it' });
    else lines.push({ step: 'Windows signing', state: 'on', detail: `with the certificate in ${link}${password ? ` (password from ${password})` : '; CSC_KEY_PASSWORD not set: only a certificate without a password will do'}` });
  }
  if (platform === 'mac') {
    if (set(env, 'CSC_LINK')) lines.push({ step: 'macOS signing', state: 'on', detail: 'with the certificate in CSC_LINK' });
    else if (set(env, 'CSC_NAME')) lines.push({ step: 'macOS signing', state: 'on', detail: `with the keychain identity "${env.CSC_NAME}" (CSC_NAME)` });
    else if (env.CSC_IDENTITY_AUTO_DISCOVERY === 'false') lines.push({ step: 'macOS signing', state: 'skipped', detail: 'CSC_LINK not set and CSC_IDENTITY_AUTO_DISCOVERY=false' });
    else lines.push({ step: 'macOS signing', state: 'skipped', detail: 'CSC_LINK not set (electron-builder still uses a "Developer ID Application" identity if this Mac\'s keychain has one)' });
    lines.push(notarization(env));
  }
  if (platform === 'linux') lines.push({ step: 'Linux signing', state: 'skipped', detail: 'AppImage and .deb are not signed' });
  return lines;
}

// The same order and the same rules as electron-builder's MacTargetHelper.getNotarizeOptions:
// a half-given set is an error there, so it is one here, before the build rather than after.
function notarization(env) {
  const step = 'macOS notarization';
  const groups = [
    { names: ['APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID'], trigger: ['APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD'], via: 'Apple ID' },
    { names: ['APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER'], trigger: ['APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER'], via: 'App Store Connect API key' },
  ];
  for (const g of groups) {
    if (!g.trigger.some((n) => set(env, n))) continue;
    const missing = g.names.filter((n) => !set(env, n));
    if (missing.length > 0) return { step, state: 'error', detail: `${g.names.filter((n) => set(env, n)).join(', ')} set but ${missing.join(', ')} not: set all of ${g.names.join(', ')}` };
    return { step, state: 'on', detail: `with the ${g.via} (${g.names.join(', ')})` };
  }
  if (set(env, 'APPLE_KEYCHAIN_PROFILE')) return { step, state: 'on', detail: 'with the notarytool keychain profile in APPLE_KEYCHAIN_PROFILE' };
  return { step, state: 'skipped', detail: 'APPLE_API_KEY + APPLE_API_KEY_ID + APPLE_API_ISSUER (or APPLE_ID + APPLE_APP_SPECIFIC_PASSWORD + APPLE_TEAM_ID) not set: Gatekeeper will refuse a downloaded copy' };
}

/** Whether the installed app gets an update feed (publish.url in electron-builder.yml). */
export function updateFeedStatus(env) {
  const step = 'update feed';
  if (!set(env, 'FRAMEHOUSE_UPDATE_URL')) return { step, state: 'skipped', detail: 'FRAMEHOUSE_UPDATE_URL not set: no app-update.yml, the installed app has no update feed' };
  let url;
  try {
    url = new URL(env.FRAMEHOUSE_UPDATE_URL);
  } catch {
    return { step, state: 'error', detail: `FRAMEHOUSE_UPDATE_URL is not a URL: ${env.FRAMEHOUSE_UPDATE_URL}` };
  }
  if (url.protocol !== 'https:') return { step, state: 'error', detail: `FRAMEHOUSE_UPDATE_URL must be https (updates are code): ${url.href}` };
  return { step, state: 'on', detail: `${url.href} (upload release/latest*.yml and the installers there)` };
}

export function formatStatus(lines) {
  const mark = { on: 'yes', skipped: 'skipped', error: 'ERROR' };
  return lines.map((l) => `dist: ${l.step}: ${mark[l.state]}: ${l.detail}`).join('\n');
}

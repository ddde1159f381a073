// Free of imports (no TypeBox): the renderer checks names with these same lines.

/** Parts of letters, digits, _ - . joined by single slashes: live/cam1. */
export const streamNamePattern = '^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$';
export const streamNameMaxLength = 200;

const pattern = new RegExp(streamNamePattern);

/**
 * Suffixes the studio gives its own half-written files (archive segments and exports
 * `.partial`, atomic writes `.tmp-<pid>-<ms>`, thumbnails `.tmp`). A folder named so
 * would be taken for one of them by the start-up clean-up.
 */
const temporarySuffix = /\.(partial|tmp)(-[A-Za-z0-9_-]*)?$/i;

/** Names Windows keeps for devices, in any case and with any extension: "NUL.txt" is NUL too. */
const windowsDevice = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;

/** Why one part of a name cannot be a folder on every system the archive may live on, or null. */
function partProblem(name: string, part: string): string | null {
  const invalid = `"${name}" is not a valid stream name`;
  if (part === '.' || part === '..') return `${invalid}: "." and ".." are not allowed as parts`;
  if (temporarySuffix.test(part)) return `${invalid}: "${part}" ends like the studio's temporary files (.partial, .tmp); choose another name`;
  // Windows drops a trailing dot or space: "cam." and "cam" would be one folder.
  if (/[. ]$/.test(part)) return `${invalid}: "${part}" ends with a dot; Windows would store it without one`;
  if (windowsDevice.test(part)) return `${invalid}: "${part}" is a device name on Windows (CON, PRN, AUX, NUL, COM1-9, LPT1-9) and cannot be a folder there`;
  return null;
}

/** Why a stream name is not acceptable, or null. Names become folders and URL paths, hence the strict rule. */
export function streamNameProblem(name: string): string | null {
  if (name.length === 0) return 'the stream name is empty';
  if (name.length > streamNameMaxLength) return `the stream name is longer than ${streamNameMaxLength} characters`;
  if (!pattern.test(name)) return `"${name}" is not a valid stream name: use letters, digits, _ - . and / between parts (e.g. live/cam1)`;
  for (const part of name.split('/')) {
    const problem = partProblem(name, part);
    if (problem) return problem;
  }
  return null;
}

/**
 * Why `name` cannot live next to the `existing` names, or null: one of its folders is
 * spelled like an existing one but for letter case (Live/cam next to live/cam). Windows
 * and macOS file systems ignore case, so both would write into one folder.
 */
export function streamNameCaseConflict(name: string, existing: Iterable<string>): string | null {
  const folders = new Map<string, { folder: string; stream: string }>();
  for (const other of existing) {
    for (const folder of folderPrefixes(other)) {
      const key = folder.toLowerCase();
      if (!folders.has(key)) folders.set(key, { folder, stream: other });
    }
  }
  for (const folder of folderPrefixes(name)) {
    const clash = folders.get(folder.toLowerCase());
    if (!clash || clash.folder === folder) continue;
    const which = clash.folder === clash.stream ? `the stream ${clash.stream}` : `"${clash.folder}" (of the stream ${clash.stream})`;
    return `"${name}" differs only in letter case from ${which}: Windows and macOS would store both in one folder; use the same spelling or another name`;
  }
  return null;
}

/** live/cams/a → live, live/cams, live/cams/a: every folder the name makes. */
function folderPrefixes(name: string): string[] {
  const parts = name.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

/** A rendition's name as the transcoding engine gives it (rendition-plan.ts): `720p`, or `720p-1200k` beside another 720p. */
export const renditionNamePattern = /^\d{3,4}p(?:-\d{1,9}k)?$/;

/** The stream whose recorded rendition this name is (live/cam for live/cam/720p), or null when it does not look like one. */
export function renditionParent(name: string): string | null {
  const slash = name.lastIndexOf('/');
  return slash > 0 && renditionNamePattern.test(name.slice(slash + 1)) ? name.slice(0, slash) : null;
}

/** A stream name, or a picture the mixer makes itself. */
export const mixSourcePattern = `^(?:${streamNamePattern.slice(1, -1)}|colour:#[0-9A-Fa-f]{6}|clock)$`;

/** The picture a source names when the mixer makes it itself (no stream behind it), or null for a stream. */
/** (The renderer's editor asks this too: one home for what the mixer makes itself.) */
export function generatedSource(source: string): { kind: 'colour'; colour: string } | { kind: 'clock' } | null {
  if (source === 'clock') return { kind: 'clock' };
  if (/^colour:#[0-9A-Fa-f]{6}$/.test(source)) return { kind: 'colour', colour: source.slice(7) };
  return null;
}

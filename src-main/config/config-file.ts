import fs from 'node:fs/promises';
import type { Settings } from '../contract/studio-api.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { isSettingKey, settingValueProblem } from './setting-value.js';

export interface ConfigFileRead {
  values: Partial<Settings>;
  /** Keys (or the whole file) left out, each with its reason. */
  ignored: { key: string; reason: string }[];
  /** Where the unusable original was kept, when something was ignored. */
  keptAs: string | null;
}

/**
 * Reads config.json. A corrupt file or unusable keys never stop the studio and are
 * never lost: the original bytes are kept beside it as config.json.bad.
 */
export async function readConfigFile(file: string): Promise<ConfigFileRead> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { values: {}, ignored: [], keptAs: null };
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { values: {}, ignored: [{ key: '*', reason: `not valid JSON: ${(err as Error).message}` }], keptAs: await keepBadCopy(file, text) };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { values: {}, ignored: [{ key: '*', reason: 'not a JSON object' }], keptAs: await keepBadCopy(file, text) };
  }
  const values: Record<string, unknown> = {};
  const ignored: ConfigFileRead['ignored'] = [];
  for (const [key, value] of Object.entries(parsed)) {
    if (!isSettingKey(key)) {
      ignored.push({ key, reason: 'unknown setting' });
      continue;
    }
    const problem = settingValueProblem(key, value);
    if (problem) ignored.push({ key, reason: problem });
    else values[key] = value;
  }
  const keptAs = ignored.length > 0 ? await keepBadCopy(file, text) : null;
  return { values: values as Partial<Settings>, ignored, keptAs };
}

async function keepBadCopy(file: string, text: string): Promise<string> {
  let target = `${file}.bad`;
  for (let n = 1; await exists(target); n++) target = `${file}.bad.${n}`;
  await writeFileAtomic(target, text);
  return target;
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

export async function writeConfigFile(file: string, values: Partial<Settings>): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(values, null, 2)}\n`);
}

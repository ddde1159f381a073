import { Value } from 'typebox/value';
import { Settings, type SettingKey } from '../contract/studio-api.js';

export const settingKeys = Object.keys(Settings.properties) as SettingKey[];

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(Settings.properties, key);
}

/** Why a value is not acceptable for a setting, in one line; null when it is. */
export function settingValueProblem(key: SettingKey, value: unknown): string | null {
  const schema = Settings.properties[key];
  if (Value.Check(schema, value)) return null;
  const first = Value.Errors(schema, value)[0];
  return first ? first.message : 'invalid value';
}

/**
 * Turns the text of a command-line option or environment variable into the
 * setting's type; the result is still checked by settingValueProblem.
 */
export function parseSettingText(key: SettingKey, text: string): unknown {
  const schema = Settings.properties[key];
  if ('type' in schema && schema.type === 'integer') {
    return /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : text;
  }
  if ('type' in schema && schema.type === 'array') {
    const items = text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    // Lists of whole numbers (viewerThresholds): each entry typed as its own setting would be.
    const integers = 'items' in schema && typeof schema.items === 'object' && schema.items !== null && 'type' in schema.items && schema.items.type === 'integer';
    return integers ? items.map((item) => (/^-?\d+$/.test(item) ? Number(item) : item)) : items;
  }
  return text;
}

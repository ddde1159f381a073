import { EventEmitter } from 'node:events';
import type { Settings, SettingKey, SettingSource, SettingsPatch } from '../contract/studio-api.js';
import { defaultSettings } from './defaults.js';
import { readConfigFile, writeConfigFile, type ConfigFileRead } from './config-file.js';
import { settingKeys } from './setting-value.js';

export interface ConfigChange {
  changed: SettingKey[];
  settings: Settings;
}

interface ConfigEvents {
  change: [ConfigChange];
}

/**
 * The studio's settings as layers: default < file < environment < command line,
 * and on top the changes made through the API while running (also saved to the file).
 */
export class ConfigService extends EventEmitter<ConfigEvents> {
  private file: Partial<Settings>;
  private api: Partial<Settings> = {};
  /** The layers merged, made again only when a layer changes: hot paths read a setting per request. */
  private merged: Readonly<Settings> | null = null;
  private writeQueue: Promise<void> = Promise.resolve();

  private constructor(
    private readonly filePath: string,
    fileValues: Partial<Settings>,
    private readonly env: Partial<Settings>,
    private readonly cli: Partial<Settings>,
  ) {
    super();
    this.file = fileValues;
  }

  /** Loads config.json; when keys had to be ignored the file is rewritten without them (the original is kept as .bad). */
  static async load(
    filePath: string,
    layers: { env: Partial<Settings>; cli: Partial<Settings> },
  ): Promise<{ config: ConfigService; fileRead: ConfigFileRead }> {
    const fileRead = await readConfigFile(filePath);
    if (fileRead.keptAs) await writeConfigFile(filePath, fileRead.values);
    return { config: new ConfigService(filePath, fileRead.values, layers.env, layers.cli), fileRead };
  }

  get settings(): Readonly<Settings> {
    if (!this.merged) {
      const merged = { ...defaultSettings, ...this.file, ...this.env, ...this.cli, ...this.api };
      for (const value of Object.values(merged)) if (Array.isArray(value)) Object.freeze(value);
      this.merged = Object.freeze(merged);
    }
    return this.merged;
  }

  get<K extends SettingKey>(key: K): Settings[K] {
    return this.settings[key];
  }

  sources(): Record<SettingKey, SettingSource> {
    const out = {} as Record<SettingKey, SettingSource>;
    for (const key of settingKeys) {
      out[key] =
        key in this.api ? 'api' : key in this.cli ? 'cli' : key in this.env ? 'env' : key in this.file ? 'file' : 'default';
    }
    return out;
  }

  /** Keys that the command line or environment sets: they win again at the next start. */
  pinned(): SettingKey[] {
    return settingKeys.filter((k) => k in this.cli || k in this.env);
  }

  /**
   * Applies an already validated patch now and saves it. Saving happens before the
   * change is announced, so a listener restart never runs on an unsaved setting.
   */
  async update(patch: SettingsPatch): Promise<ConfigChange> {
    const before = this.settings;
    const nextFile = { ...this.file, ...patch };
    await this.enqueueWrite(nextFile);
    this.file = nextFile;
    for (const key of Object.keys(patch) as SettingKey[]) {
      if (key in this.cli || key in this.env) this.api = { ...this.api, [key]: patch[key] };
    }
    this.merged = null;
    const after = this.settings;
    const changed = settingKeys.filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
    const change = { changed, settings: after };
    if (changed.length > 0) this.emit('change', change);
    return change;
  }

  /** Takes back runtime values (used when a listener cannot move to the new address). */
  async revert(previous: Settings, keys: SettingKey[]): Promise<void> {
    const patch: Partial<Record<SettingKey, unknown>> = {};
    for (const key of keys) patch[key] = previous[key];
    await this.update(patch as SettingsPatch);
  }

  private enqueueWrite(values: Partial<Settings>): Promise<void> {
    const write = this.writeQueue.then(() => writeConfigFile(this.filePath, values));
    this.writeQueue = write.catch(() => undefined);
    return write;
  }
}

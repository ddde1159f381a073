// The stream configuration form edits text; the API takes typed values. This module
// turns one into the other, checks what can be checked here, and works out which
// fields changed so a save sends only those (the password is write-only: it is sent
// only when the user typed a new one or asked to remove it).
import type { StreamConfigView, StreamConfigCreate, StreamConfigPatch, StreamSource } from '../../../src-main/contract/studio-api';
import { playTokenProblem } from './play-token';
import { sourceUrlProblem, streamNameProblem } from './stream-name';

export interface SourceRow {
  /** Stable React key; not sent. */
  key: number;
  url: string;
  priority: string;
}

export interface StreamDraft {
  title: string;
  sources: SourceRow[];
  publishEnabled: boolean;
  /** A new password to set; empty leaves the current one alone. */
  newPassword: string;
  /** Remove the password that is set. */
  clearPassword: boolean;
  takeover: boolean;
  loop: boolean;
  playlist: boolean;
  dvr: boolean;
  /** The play token as typed; empty means open playback. Shown in full: it is handed to viewers. */
  playToken: string;
}

export interface DraftErrors {
  name?: string;
  title?: string;
  password?: string;
  playToken?: string;
  /** By row key. */
  sources: Record<number, string>;
}

let nextRowKey = 1;

export function sourceRow(url = '', priority = 0): SourceRow {
  return { key: nextRowKey++, url, priority: String(priority) };
}

export function emptyDraft(): StreamDraft {
  return { title: '', sources: [], publishEnabled: true, newPassword: '', clearPassword: false, takeover: false, loop: false, playlist: false, dvr: true, playToken: '' };
}

export function draftFromConfig(config: StreamConfigView | null): StreamDraft {
  if (!config) return emptyDraft();
  return {
    title: config.title,
    sources: config.sources.map((s) => sourceRow(s.url, s.priority)),
    publishEnabled: config.publishEnabled,
    newPassword: '',
    clearPassword: false,
    takeover: config.takeover,
    loop: config.loop,
    playlist: config.playlist,
    dvr: config.dvr,
    playToken: config.playToken ?? '',
  };
}

/** The next row's priority: one after the highest so far, so it is the last fallback. */
export function nextPriority(rows: readonly SourceRow[]): number {
  const used = rows.map((r) => Number.parseInt(r.priority, 10)).filter((n) => Number.isFinite(n));
  return used.length === 0 ? 0 : Math.min(1000, Math.max(...used) + 1);
}

function parsePriority(text: string): number | null {
  const t = text.trim();
  if (!/^\d{1,4}$/.test(t)) return null;
  const n = Number(t);
  return n <= 1000 ? n : null;
}

/** Rows the user left completely empty are not sources; they are ignored. */
function filledRows(rows: readonly SourceRow[]): SourceRow[] {
  return rows.filter((r) => r.url.trim().length > 0);
}

function checkSources(rows: readonly SourceRow[], errors: DraftErrors): StreamSource[] {
  const out: StreamSource[] = [];
  const seen = new Set<string>();
  for (const row of filledRows(rows)) {
    const url = row.url.trim();
    const problem = sourceUrlProblem(url);
    const priority = parsePriority(row.priority);
    if (problem) errors.sources[row.key] = problem;
    else if (priority === null) errors.sources[row.key] = 'Priority is a whole number from 0 (preferred) to 1000';
    else if (seen.has(url)) errors.sources[row.key] = 'This source is listed twice';
    else out.push({ url, priority });
    seen.add(url);
  }
  const filled = filledRows(rows);
  const last = filled.at(-1);
  if (filled.length > 16 && last) errors.sources[last.key] = 'A stream has at most 16 sources';
  return out;
}

function checkCommon(draft: StreamDraft, errors: DraftErrors): void {
  if (draft.title.trim().length > 200) errors.title = 'The title is longer than 200 characters';
  if (draft.newPassword.length > 200) errors.password = 'The password is longer than 200 characters';
  const tokenProblem = playTokenProblem(draft.playToken);
  if (tokenProblem) errors.playToken = tokenProblem;
}

/** The token to send: trimmed, or null for open playback. */
function playTokenValue(draft: StreamDraft): string | null {
  const token = draft.playToken.trim();
  return token.length > 0 ? token : null;
}

export function hasErrors(errors: DraftErrors): boolean {
  return (
    errors.name !== undefined ||
    errors.title !== undefined ||
    errors.password !== undefined ||
    errors.playToken !== undefined ||
    Object.keys(errors.sources).length > 0
  );
}

export function noErrors(): DraftErrors {
  return { sources: {} };
}

/** The POST body for a new stream, or the problems to show first. */
export function buildCreate(name: string, draft: StreamDraft): { body: StreamConfigCreate; errors: null } | { body: null; errors: DraftErrors } {
  const errors = noErrors();
  const trimmed = name.trim();
  const nameProblem = streamNameProblem(trimmed);
  if (nameProblem) errors.name = nameProblem;
  checkCommon(draft, errors);
  const sources = checkSources(draft.sources, errors);
  if (hasErrors(errors)) return { body: null, errors };
  const body: StreamConfigCreate = {
    name: trimmed,
    title: draft.title.trim(),
    sources,
    publishEnabled: draft.publishEnabled,
    publishPassword: draft.newPassword.length > 0 ? draft.newPassword : null,
    takeover: draft.takeover,
    loop: draft.loop,
    playlist: draft.playlist,
    dvr: draft.dvr,
    playToken: playTokenValue(draft),
  };
  return { body, errors: null };
}

function sameSources(a: readonly StreamSource[], b: readonly StreamSource[]): boolean {
  return a.length === b.length && a.every((s, i) => s.url === b[i]?.url && s.priority === b[i]?.priority);
}

/** The sources as the form has them, for comparison (invalid rows compare as text). */
function draftSourcesLoose(rows: readonly SourceRow[]): StreamSource[] {
  return filledRows(rows).map((r) => ({ url: r.url.trim(), priority: parsePriority(r.priority) ?? Number.NaN }));
}

/**
 * The PUT body with only what changed, or the problems to show. `config` is the
 * stream's configuration now (null for a stream that is only published: saving
 * then gives it a configuration, so every field is sent).
 */
export function buildStreamPatch(
  draft: StreamDraft,
  config: StreamConfigView | null,
): { patch: StreamConfigPatch; errors: null } | { patch: null; errors: DraftErrors } {
  const errors = noErrors();
  checkCommon(draft, errors);
  const sources = checkSources(draft.sources, errors);
  if (hasErrors(errors)) return { patch: null, errors };
  const base = draftFromConfig(config);
  const patch: StreamConfigPatch = {};
  if (!config || draft.title.trim() !== config.title) patch.title = draft.title.trim();
  if (!config || !sameSources(sources, config.sources)) patch.sources = sources;
  if (!config || draft.publishEnabled !== base.publishEnabled) patch.publishEnabled = draft.publishEnabled;
  if (!config || draft.takeover !== base.takeover) patch.takeover = draft.takeover;
  if (!config || draft.loop !== base.loop) patch.loop = draft.loop;
  if (!config || draft.playlist !== base.playlist) patch.playlist = draft.playlist;
  if (!config || draft.dvr !== base.dvr) patch.dvr = draft.dvr;
  if (!config || playTokenValue(draft) !== config.playToken) patch.playToken = playTokenValue(draft);
  if (draft.newPassword.length > 0) patch.publishPassword = draft.newPassword;
  else if (draft.clearPassword && config?.publishPasswordSet === true) patch.publishPassword = null;
  return { patch, errors: null };
}

/** Whether the form differs from the configuration it was made from. */
export function isDraftDirty(draft: StreamDraft, config: StreamConfigView | null): boolean {
  const base = draftFromConfig(config);
  return (
    draft.title.trim() !== base.title ||
    !sameSources(draftSourcesLoose(draft.sources), draftSourcesLoose(base.sources)) ||
    draft.publishEnabled !== base.publishEnabled ||
    draft.takeover !== base.takeover ||
    draft.loop !== base.loop ||
    draft.playlist !== base.playlist ||
    draft.dvr !== base.dvr ||
    draft.playToken.trim() !== base.playToken ||
    draft.newPassword.length > 0 ||
    (draft.clearPassword && config?.publishPasswordSet === true)
  );
}

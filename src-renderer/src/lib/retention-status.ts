// The Monitor's line about archive files retention could not delete: short on screen,
// the paths and reasons in the tooltip, worded so it reads as a chore, not an alarm.
import type { DvrRetentionStatus } from '../../../src-main/contract/studio-api';
import { plural } from './format';

/** Paths listed in the tooltip before "and N more". */
const LISTED = 10;

export interface StuckSummary {
  label: string;
  details: string;
}

/** null while retention deletes everything it wants to. */
export function stuckSummary(status: DvrRetentionStatus | null): StuckSummary | null {
  if (!status || status.stuck.length === 0) return null;
  const files = status.stuck;
  const lines = files.slice(0, LISTED).map((f) => `${f.path}\n  ${f.error}`);
  if (files.length > LISTED) lines.push(`and ${files.length - LISTED} more`);
  return {
    label: `${plural(files.length, 'old recording file')} could not be deleted`,
    details: [
      'Retention could not delete these files; they stay in the archive and are tried again about once a minute.',
      'Another program may hold them open, or their permissions may forbid it.',
      '',
      ...lines,
    ].join('\n'),
  };
}

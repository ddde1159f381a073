/** "7d" → ms; '' → null (no limit). The schema has already checked the form. */
export function parseDepth(text: string): number | null {
  const match = /^(\d+)([smhdw])$/.exec(text.trim());
  if (!match) return null;
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[match[2] as 's' | 'm' | 'h' | 'd' | 'w'];
  return Number(match[1]) * unit;
}

/** "500G" → bytes, "20%" → that share of `diskTotal`; '' → null (no limit). Units are binary (G = 2^30). */
export function parseSize(text: string, diskTotal: number): number | null {
  const trimmed = text.trim();
  const percent = /^(\d{1,2})%$/.exec(trimmed);
  if (percent) return Math.floor((diskTotal * Number(percent[1])) / 100);
  const match = /^(\d+(?:\.\d+)?)([KMGT]?)B?$/i.exec(trimmed);
  if (!match) return null;
  const power = ['', 'K', 'M', 'G', 'T'].indexOf(match[2]!.toUpperCase());
  return Math.floor(Number(match[1]) * 1024 ** power);
}

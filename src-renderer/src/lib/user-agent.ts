// A viewer's User-Agent in a few words ("Chrome 124 · Android"), for the sessions list.
// Full strings stay available as a tooltip; this only has to be recognisable.

interface Rule {
  name: string;
  /** Captures the version in group 1 when there is one. */
  pattern: RegExp;
}

// Order matters: Edge and Opera say "Chrome", Chrome says "Safari".
const players: Rule[] = [
  { name: 'VLC', pattern: /\bVLC\/(\d+(?:\.\d+)?)/i },
  { name: 'VLC', pattern: /\bLibVLC\/(\d+(?:\.\d+)?)/i },
  { name: 'ffmpeg', pattern: /\bLavf\/(\d+(?:\.\d+)?)/ },
  { name: 'mpv', pattern: /\bmpv\s?(\d+(?:\.\d+)?)?/i },
  { name: 'GStreamer', pattern: /\bGStreamer\b(?:\s(\d+(?:\.\d+)?))?/i },
  { name: 'Apple TV', pattern: /\bAppleTV\b/ },
  { name: 'AppleCoreMedia', pattern: /\bAppleCoreMedia\/(\d+(?:\.\d+)?)/ },
  { name: 'ExoPlayer', pattern: /\bExoPlayer(?:Lib)?\/(\d+(?:\.\d+)?)/i },
  { name: 'Edge', pattern: /\bEdg(?:e|A|iOS)?\/(\d+)/ },
  { name: 'Opera', pattern: /\bOPR\/(\d+)/ },
  { name: 'Samsung Internet', pattern: /\bSamsungBrowser\/(\d+)/ },
  { name: 'Firefox', pattern: /\b(?:Firefox|FxiOS)\/(\d+)/ },
  { name: 'Chrome', pattern: /\b(?:HeadlessChrome|Chrome|CriOS)\/(\d+)/ },
  { name: 'Safari', pattern: /\bVersion\/(\d+(?:\.\d+)?).*\bSafari\// },
  { name: 'curl', pattern: /^curl\/(\d+(?:\.\d+)*)/ },
];

const systems: Rule[] = [
  { name: 'iPhone', pattern: /\biPhone\b/ },
  { name: 'iPad', pattern: /\biPad\b/ },
  { name: 'Android', pattern: /\bAndroid\b/ },
  { name: 'Chrome OS', pattern: /\bCrOS\b/ },
  { name: 'Windows', pattern: /\bWindows\b/ },
  { name: 'macOS', pattern: /\bMac OS X\b|\bMacintosh\b/ },
  { name: 'Linux', pattern: /\bLinux\b/ },
];

/** "Chrome 124 · Android", "Safari 17.4 · iPhone", "VLC 3.0", or the first word of an unknown agent. */
export function describeUserAgent(userAgent: string): string {
  const ua = userAgent.trim();
  if (ua.length === 0) return 'Unknown player';
  let player: string | null = null;
  for (const rule of players) {
    const m = rule.pattern.exec(ua);
    if (m) {
      player = m[1] ? `${rule.name} ${m[1]}` : rule.name;
      break;
    }
  }
  const system = systems.find((rule) => rule.pattern.test(ua))?.name ?? null;
  if (!player) player = ua.split(/[\s/;(]/)[0] || 'Unknown player';
  return system ? `${player} · ${system}` : player;
}

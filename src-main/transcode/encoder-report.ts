// `framehouse probe-encoders`: which encoders really work with this ffmpeg on this
// machine (a five-frame test encode each), the order a ladder tries them in, and the
// exact command a 720p/480p ladder would run on the first, to paste and try by hand.
import type { EncoderStatus } from '../contract/studio-api.js';
import { chooseEncoders } from './encoder-choice.js';
import { ladderArgs } from './ladder-command.js';
import { shellQuote } from './process-registry.js';
import { planRenditions } from './rendition-plan.js';

export function encoderReport(ffmpegPath: string, version: string, encoders: readonly EncoderStatus[], o: { platform?: NodeJS.Platform; encoder?: string } = {}): string {
  const platform = o.platform ?? process.platform;
  const lines = [`ffmpeg ${version} at ${ffmpegPath}`, ''];
  const width = Math.max(8, ...encoders.map((e) => e.name.length));
  for (const e of encoders) {
    const verdict = e.works ? `works (${e.probeMs} ms)` : `fails: ${e.reason ?? 'no reason given'}`;
    lines.push(`${e.name.padEnd(width)}  ${(e.hardware ? e.vendor : 'software').padEnd(18)}  ${verdict}`);
  }
  if (encoders.length === 0) lines.push('no encoder the studio drives is compiled into this ffmpeg');
  for (const codec of ['h264', 'hevc'] as const) {
    const { order } = chooseEncoders({ requested: 'auto', codec, probed: encoders, platform });
    lines.push('', `${codec} ladders try: ${order.join(' → ')}`);
  }
  // The one asked for (a GPU encoder to try by hand), else the first a ladder would use.
  const first = chooseEncoders({ requested: o.encoder ?? 'auto', probed: encoders, platform }).order[0]!;
  const { renditions } = planRenditions([{ height: 720, videoBitrate: '3000k' }, { height: 480, videoBitrate: '1200k' }], null);
  const outputs = renditions.map((r) => `ladder-${r.name}.ts`);
  const args = ladderArgs({ input: 'INPUT', renditions, encoder: first, gpuDecode: true, outputs }).filter((a, i, all) => a !== '-progress' && all[i - 1] !== '-progress');
  lines.push('', `A 720p/480p ladder on ${first}, as the studio runs it (replace INPUT with a file):`, [ffmpegPath, ...args].map(shellQuote).join(' '));
  return `${lines.join('\n')}\n`;
}

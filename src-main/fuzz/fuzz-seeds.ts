// Seeds for the fuzzer, made fresh at each run from what real tools produce: ffmpeg
// writes FLV, MPEG-TS and fragmented MP4, publishes over RTMP and SRT to our own
// listeners, and we keep the bytes it sent. Small sources (160x120, 1 s) keep each
// input a few KB, so a million of them run in minutes.
import dgram from 'node:dgram';
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { pino } from 'pino';
import { encodeAmf0 } from '../formats/amf/amf0.js';
import { buildInitSegment, buildMediaSegment, readFragmentFrames, readInitSegment, type TrackSampleDefaults } from '../formats/fmp4/index.js';
import type { PublishGate } from '../ingest/publish-gate.js';
import { RtmpChunkReader, defaultChunkReaderLimits, maxRtmpMessageBytes } from '../ingest/rtmp/rtmp-chunk-reader.js';
import { handshakeSize } from '../ingest/rtmp/rtmp-handshake.js';
import { RtmpServer } from '../ingest/rtmp/rtmp-server.js';
import { SrtServer } from '../ingest/srt/srt-server.js';
import { ffmpeg, startFfmpeg } from '../test-support/ffmpeg-tools.js';
import { readFlvTags } from '../test-support/flv-file.js';
import type { FuzzSeeds } from './fuzz-targets.js';

const source = (seconds: number, gop: number) => [
  ...['-f', 'lavfi', '-i', 'testsrc2=size=160x120:rate=15', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100'],
  ...['-t', String(seconds), '-pix_fmt', 'yuv420p', '-g', String(gop), '-c:a', 'aac', '-b:a', '48k'],
];
// x264 as OBS sends it (High, B-frames), and HEVC.
const h264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-bf', '2'];
const hevc = ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=none', '-tag:v', 'hvc1'];

/** A gate that lets every publisher in and takes whatever it sends. */
const openGate: PublishGate = {
  requestPublish: () => ({ ok: true, session: { active: true, setTracks: () => undefined, pushFrame: () => undefined, countError: () => undefined, end: () => undefined } }),
  reportRefused: () => undefined,
};
const silent = pino({ level: 'silent' });

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Windows of `size` bytes every `stride` bytes, each after `prefix` (the headers a parser needs first). */
function windows(prefix: Uint8Array, body: Uint8Array, size: number, stride: number, most: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0; at < body.length && out.length < most; at += stride) out.push(concat([prefix, body.subarray(at, at + size)]));
  return out;
}

/** FLV: the header and configuration tags, then windows of the tags after them. */
function flvSeeds(file: Uint8Array): Uint8Array[] {
  const tags = readFlvTags(file);
  const dataStart = 13;
  let configEnd = dataStart;
  for (const tag of tags.slice(0, 3)) configEnd += 11 + tag.body.length + 4;
  return [file.subarray(0, Math.min(file.length, 16_384)), ...windows(file.subarray(0, configEnd), file.subarray(configEnd), 6000, 3000, 24)];
}

/** MPEG-TS: the tables at the start (SDT, PAT, PMT), then windows of 40 packets. */
function tsSeeds(file: Uint8Array): Uint8Array[] {
  const tables = file.subarray(0, 3 * 188);
  return [file.subarray(0, 60 * 188), ...windows(tables, file.subarray(3 * 188), 40 * 188, 20 * 188, 24)];
}

/** Top-level MP4 boxes. */
function boxes(file: Uint8Array): { type: string; bytes: Uint8Array }[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out: { type: string; bytes: Uint8Array }[] = [];
  for (let at = 0; at + 8 <= file.length; ) {
    const size = view.getUint32(at);
    if (size < 8 || at + size > file.length) break;
    out.push({ type: String.fromCharCode(...file.subarray(at + 4, at + 8)), bytes: file.subarray(at, at + size) });
    at += size;
  }
  return out;
}

/** fMP4 from ffmpeg: the init, each moof+mdat; and the same media rewritten by our own segment writer. */
function fmp4Seeds(files: Uint8Array[]): { init: Uint8Array[]; fragments: Uint8Array[]; defaults: ReadonlyMap<number, TrackSampleDefaults> } {
  const init: Uint8Array[] = [];
  const fragments: Uint8Array[] = [];
  let defaults: ReadonlyMap<number, TrackSampleDefaults> = new Map();
  for (const [n, file] of files.entries()) {
    const list = boxes(file);
    const initBytes = concat(list.filter((b) => b.type === 'ftyp' || b.type === 'moov').map((b) => b.bytes));
    const info = readInitSegment(initBytes);
    if (n === 0) defaults = info.sampleDefaults;
    init.push(initBytes, buildInitSegment(info.tracks));
    for (let i = 0; i + 1 < list.length; i++) {
      if (list[i]!.type !== 'moof' || list[i + 1]!.type !== 'mdat') continue;
      const fragment = concat([list[i]!.bytes, list[i + 1]!.bytes]);
      if (n === 0) fragments.push(fragment);
      const samples = readFragmentFrames(fragment, info.sampleDefaults);
      if (samples.length > 0 && n === 0) fragments.push(buildMediaSegment({ sequenceNumber: i, tracks: info.tracks, samples }).bytes);
    }
  }
  return { init, fragments: fragments.slice(0, 24), defaults };
}

/** What ffmpeg sends an RTMP server when it publishes `flv`: the bytes after its handshake. */
async function captureRtmp(flv: string): Promise<Uint8Array> {
  const server = new RtmpServer({ gate: openGate, log: silent, playbackHint: () => '' });
  const { port } = await server.listen('127.0.0.1', 0);
  const sent: Buffer[] = [];
  const proxy = net.createServer((client) => {
    const upstream = net.connect({ port, host: '127.0.0.1' });
    client.on('data', (d: Buffer) => {
      sent.push(d);
      upstream.write(d);
    });
    upstream.pipe(client);
    const end = () => (client.destroy(), upstream.destroy());
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  try {
    const proxyPort = (proxy.address() as net.AddressInfo).port;
    await ffmpeg(['-i', flv, '-c', 'copy', '-f', 'flv', `rtmp://127.0.0.1:${proxyPort}/live/fuzz`]);
  } finally {
    proxy.close();
    await server.close();
  }
  return concat(sent).subarray(1 + 2 * handshakeSize);
}

/** The AMF0 bodies of the command and data messages in an RTMP capture. */
function amfOf(chunkStream: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const reader = new RtmpChunkReader(
    (m) => {
      if (m.typeId === 20 || m.typeId === 18) out.push(m.payload.slice());
      if (m.typeId === 1) reader.setChunkSize(new DataView(m.payload.buffer, m.payload.byteOffset).getUint32(0) & 0x7fffffff);
    },
    { ...defaultChunkReaderLimits, maxMessageBytes: maxRtmpMessageBytes },
  );
  reader.push(chunkStream);
  return out;
}

/** Both directions of an SRT session in which ffmpeg publishes `ts` to our listener, through a relay that keeps every datagram. */
async function captureSrt(ts: string): Promise<Uint8Array[]> {
  const server = new SrtServer({ gate: openGate, log: silent });
  const { port } = await server.listen('127.0.0.1', 0);
  const datagrams: Uint8Array[] = [];
  const front = dgram.createSocket('udp4');
  const back = dgram.createSocket('udp4');
  let caller: dgram.RemoteInfo | null = null;
  front.on('message', (msg, rinfo) => {
    caller = rinfo;
    datagrams.push(Uint8Array.from(msg));
    back.send(msg, port, '127.0.0.1');
  });
  back.on('message', (msg) => {
    datagrams.push(Uint8Array.from(msg));
    if (caller) front.send(msg, caller.port, caller.address);
  });
  await new Promise<void>((resolve) => front.bind(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => back.bind(0, '127.0.0.1', resolve));
  // Three passes of the file: more data packets, ACKs and keepalives to start from.
  const publisher = startFfmpeg(['-re', '-stream_loop', '2', '-i', ts, '-c', 'copy', '-f', 'mpegts', `srt://127.0.0.1:${front.address().port}?streamid=publish:live/fuzz`]);
  const deadline = setTimeout(() => void publisher.stop(), 10_000);
  try {
    await publisher.exited;
  } finally {
    clearTimeout(deadline);
    front.close();
    back.close();
    await server.close();
  }
  if (!datagrams.some((d) => d.length > 16 && (d[0]! & 0x80) === 0)) throw new Error(`no SRT data captured from ffmpeg: ${publisher.stderr()}`);
  return datagrams.slice(0, 400);
}

/** Every target's seeds, made in `dir` (a scratch folder the caller removes). */
export async function makeSeeds(dir: string): Promise<FuzzSeeds> {
  const file = (name: string) => path.join(dir, name);
  await ffmpeg([...source(1, 15), ...h264, '-f', 'flv', file('a.flv')]);
  await ffmpeg([...source(1, 15), ...h264, '-f', 'mpegts', file('a.ts')]);
  await ffmpeg([...source(1, 15), ...hevc, '-f', 'mpegts', file('b.ts')]);
  const fragmented = ['-movflags', 'frag_keyframe+empty_moov+default_base_moof', '-f', 'mp4'];
  await ffmpeg([...source(1, 5), ...h264, ...fragmented, file('a.mp4')]);
  await ffmpeg([...source(1, 5), ...hevc, ...fragmented, file('b.mp4')]);
  const read = async (name: string) => new Uint8Array(await fs.readFile(file(name)));

  const flv = await read('a.flv');
  const rtmp = await captureRtmp(file('a.flv'));
  const srt = await captureSrt(file('a.ts'));
  const mp4 = fmp4Seeds([await read('a.mp4'), await read('b.mp4')]);
  const script = readFlvTags(flv).filter((t) => t.type === 18).map((t) => t.body);
  return {
    amf0: [
      ...amfOf(rtmp),
      ...script,
      encodeAmf0('onStatus', 0, null, { level: 'status', code: 'NetStream.Publish.Start', when: new Date(0), list: [1, 'two', [true, null]] }),
    ],
    rtmp: [4096, 8192, 16_384, 32_768].filter((n, i) => i === 0 || n <= rtmp.length).map((n) => rtmp.slice(0, n)),
    flv: flvSeeds(flv),
    mpegts: [...tsSeeds(await read('a.ts')), ...tsSeeds(await read('b.ts'))],
    srt,
    fmp4Init: mp4.init,
    fmp4Fragment: mp4.fragments,
    fmp4Defaults: mp4.defaults,
  };
}

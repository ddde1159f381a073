// What each fuzz target feeds, and which errors are the parser's own (allowed): anything
// else thrown, a NaN timestamp, or memory accounting left behind is a crash.
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { pino } from 'pino';
import { AmfError, decodeAmf0, type AmfObject } from '../formats/amf/amf0.js';
import { FlvFormatError, FlvUnsupportedError } from '../formats/flv/flv-media.js';
import { Fmp4ParseError, readFragmentFrames, readFragmentSummary, readInitSegment, type TrackSampleDefaults } from '../formats/fmp4/index.js';
import { TsDemuxer } from '../formats/mpegts/index.js';
import type { Frame, Track } from '../media/frame.js';
import { CodecParseError } from '../media/codecs/index.js';
import type { SourceSession } from '../streams/stream-hub.js';
import { IngestMemory, defaultIngestLimits } from '../ingest/ingest-limits.js';
import type { PublishGate } from '../ingest/publish-gate.js';
import { FlvTrackBuilder } from '../ingest/rtmp/flv-track-builder.js';
import { RtmpConnection } from '../ingest/rtmp/rtmp-connection.js';
import { handshakeSize } from '../ingest/rtmp/rtmp-handshake.js';
import { ExtensionType, HandshakeError, decodeSrtString, parseHandshake, parseHsReq, parseStreamId } from '../ingest/srt/srt-handshake.js';
import { parsePacket } from '../ingest/srt/srt-packet.js';
import { SrtReceiver, receiveWindowPackets } from '../ingest/srt/srt-receiver.js';
import { chunksOf, type FuzzTarget } from './fuzz-engine.js';

export interface FuzzSeeds {
  /** AMF0 values as RTMP commands and metadata carry them. */
  amf0: Uint8Array[];
  /** What an RTMP publisher (ffmpeg) sends after the handshake: chunk streams of commands and media. */
  rtmp: Uint8Array[];
  /** FLV files (header and tags). */
  flv: Uint8Array[];
  /** MPEG-TS byte streams. */
  mpegts: Uint8Array[];
  /** SRT datagrams, both directions of a real session. */
  srt: Uint8Array[];
  /** fMP4 init segments (ftyp + moov). */
  fmp4Init: Uint8Array[];
  /** fMP4 media segments ([styp] moof mdat …). */
  fmp4Fragment: Uint8Array[];
  /** Sample defaults (trex) of the init the fragments belong to. */
  fmp4Defaults: ReadonlyMap<number, TrackSampleDefaults>;
}

export const targetNames = ['amf0', 'rtmp-chunks', 'flv', 'mpegts', 'srt', 'fmp4-init', 'fmp4-fragment'] as const;
export type TargetName = (typeof targetNames)[number];

/** An error the fuzzer found: thrown out of a target for something that is not an exception. */
class FuzzOracleError extends Error {
  override name = 'FuzzOracleError';
}

function allowOnly(run: () => void, ...allowed: (abstract new (...args: never[]) => Error)[]): void {
  try {
    run();
  } catch (err) {
    if (allowed.some((cls) => err instanceof cls)) return;
    throw err;
  }
}

const checkFrame = (frame: Frame) => {
  if (!Number.isFinite(frame.dts) || !Number.isFinite(frame.pts)) throw new FuzzOracleError(`frame with dts ${frame.dts}, pts ${frame.pts}`);
  if (!(frame.data instanceof Uint8Array)) throw new FuzzOracleError('frame without a payload');
};

/** A session that checks what the ingest side gives it, as the stream hub would take it. */
function checkingSession(): SourceSession & { reasons: string[] } {
  const reasons: string[] = [];
  return {
    reasons,
    active: true,
    setTracks: (tracks: readonly Track[]) => void tracks,
    pushFrame: checkFrame,
    countError: () => undefined,
    end: (reason: string) => void reasons.push(reason),
  };
}

const amf0Target = (seeds: FuzzSeeds): FuzzTarget => ({
  name: 'amf0',
  about: 'AMF0 decoder (RTMP commands, metadata)',
  seeds: seeds.amf0,
  run: (input) => allowOnly(() => decodeAmf0(input), AmfError),
});

/** A socket for RtmpConnection that takes bytes from the fuzzer and throws away what it writes. */
class FakeSocket extends EventEmitter {
  remoteAddress = '127.0.0.1';
  remotePort = 1935;
  destroyed = false;
  setNoDelay(): void {}
  setTimeout(): void {}
  write(): boolean {
    return true;
  }
  end(): void {
    this.destroy();
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.emit('close');
  }
}

// C0 + C1 + C2 of a plain handshake: the fuzzed bytes are what comes after it.
const clientHandshake = (() => {
  const out = new Uint8Array(1 + 2 * handshakeSize);
  out[0] = 3;
  return out;
})();

function rtmpTarget(seeds: FuzzSeeds): FuzzTarget {
  const memory = new IngestMemory(() => defaultIngestLimits);
  const log = pino({ level: 'silent' });
  return {
    name: 'rtmp-chunks',
    about: 'RTMP chunk reader and the session on top (commands, AMF0, FLV bodies, codec configs) over a fake socket',
    seeds: seeds.rtmp,
    run(input, rng) {
      const reasons: string[] = [];
      const session = checkingSession();
      const gate: PublishGate = {
        requestPublish: () => ({ ok: true, session }),
        reportRefused: (_who, reason) => void reasons.push(reason),
      };
      const socket = new FakeSocket();
      new RtmpConnection(socket as unknown as Socket, {
        gate,
        log,
        limits: defaultIngestLimits,
        account: memory.open(),
        playbackHint: () => 'http://studio/',
      });
      socket.emit('data', clientHandshake);
      for (const chunk of chunksOf(input, rng)) {
        if (socket.destroyed) break;
        socket.emit('data', chunk);
      }
      socket.destroy();
      // The connection turns any exception into its closing reason: ours are named, a bug is "internal error".
      const internal = [...reasons, ...session.reasons].find((r) => r.startsWith('internal error'));
      if (internal) throw new FuzzOracleError(internal);
      if (memory.heldBytes !== 0) throw new FuzzOracleError(`${memory.heldBytes} bytes still counted after the connection closed`);
    },
  };
}

/** The tags of an FLV file, read leniently: a tag cut short ends the walk. */
function* flvTags(file: Uint8Array): Generator<{ type: number; timestamp: number; body: Uint8Array }> {
  if (file.length < 9) return;
  const dataOffset = ((file[5]! << 24) >>> 0) + (file[6]! << 16) + (file[7]! << 8) + file[8]!;
  for (let at = Math.min(dataOffset, file.length) + 4; at + 11 <= file.length; ) {
    const size = (file[at + 1]! << 16) | (file[at + 2]! << 8) | file[at + 3]!;
    const timestamp = ((file[at + 7]! << 24) >>> 0) + ((file[at + 4]! << 16) | (file[at + 5]! << 8) | file[at + 6]!);
    const end = at + 11 + size;
    if (end > file.length) return;
    yield { type: file[at]! & 0x1f, timestamp, body: file.subarray(at + 11, end) };
    at = end + 4;
  }
}

const flvTarget = (seeds: FuzzSeeds): FuzzTarget => ({
  name: 'flv',
  about: 'FLV tag bodies (audio/video packets, sequence headers, onMetaData) into the track builder',
  seeds: seeds.flv,
  run(input) {
    const builder = new FlvTrackBuilder(checkingSession(), () => 0);
    // As on an RTMP connection, the first refused tag ends the publisher.
    allowOnly(
      () => {
        for (const tag of flvTags(input)) {
          if (tag.type === 8) builder.audioMessage(tag.timestamp, tag.body);
          else if (tag.type === 9) builder.videoMessage(tag.timestamp, tag.body);
          else if (tag.type === 18) {
            const [name, meta] = decodeAmf0(tag.body);
            if (name === 'onMetaData' && meta && typeof meta === 'object' && !Array.isArray(meta) && !(meta instanceof Date)) builder.metadata(meta as AmfObject);
          }
        }
      },
      FlvFormatError,
      FlvUnsupportedError,
      CodecParseError,
      AmfError,
    );
  },
});

const mpegtsTarget = (seeds: FuzzSeeds): FuzzTarget => ({
  name: 'mpegts',
  about: 'MPEG-TS demuxer (PAT/PMT, PES, H.264/HEVC/AAC) with the input cut anywhere',
  seeds: seeds.mpegts,
  run(input, rng) {
    let internal: string | null = null;
    const demuxer = new TsDemuxer({
      onTracks: () => undefined,
      onFrame: checkFrame,
      // The demuxer never throws: a bug of its own comes out as an "internal error" report.
      onError: (_kind, detail) => {
        if (detail.startsWith('internal error')) internal ??= detail;
      },
    });
    for (const chunk of chunksOf(input, rng)) demuxer.push(chunk, 0);
    demuxer.end();
    if (internal) throw new FuzzOracleError(internal);
  },
});

/** The first data sequence number among the seeds: a receiver that starts there takes the captured packets as its own. */
function initialSequenceOf(datagrams: readonly Uint8Array[]): number {
  for (const d of datagrams) {
    const packet = parsePacket(d);
    if (packet && !packet.control) return packet.sequence;
  }
  return 0;
}

function srtTarget(seeds: FuzzSeeds): FuzzTarget {
  const memory = new IngestMemory(() => ({ ...defaultIngestLimits, maxBufferBytes: 4 << 20 }));
  const initialSequence = initialSequenceOf(seeds.srt);
  let receiver: SrtReceiver | null = null;
  let age = 0;
  let now = 0;
  // One receiver takes a run of inputs, as a connection takes a run of datagrams.
  const current = () => {
    if (!receiver || receiver.closed || ++age > 200) {
      receiver?.close('next run', false);
      age = 0;
      receiver = new SrtReceiver({ ourSocketId: 1, peerSocketId: 2, initialSequence, latencyMs: 120, account: memory.open(), send: () => undefined, deliver: () => undefined, closed: () => undefined });
    }
    return receiver;
  };
  return {
    name: 'srt',
    about: 'SRT packet and handshake parsers (extensions, stream id), and the receiver (loss list, reordering) fed the packets',
    seeds: seeds.srt,
    run(input, rng) {
      const packet = parsePacket(input);
      if (!packet) return;
      if (packet.control && packet.type === 0) {
        allowOnly(() => {
          const hs = parseHandshake(packet.body);
          for (const ext of hs.extensions) {
            if (ext.type === ExtensionType.HsReq) parseHsReq(ext.content);
            if (ext.type === ExtensionType.StreamId) parseStreamId(decodeSrtString(ext.content));
          }
        }, HandshakeError);
        return;
      }
      const r = current();
      now += rng.below(50);
      r.receive(packet, now);
      r.tick(now);
      const held = r.held;
      if (held.lossEntries > held.bufferedPackets + 1 || held.missingPackets > receiveWindowPackets) {
        throw new FuzzOracleError(`receiver keeps ${held.lossEntries} loss entries for ${held.missingPackets} packets and ${held.bufferedPackets} held`);
      }
    },
  };
}

const fmp4InitTarget = (seeds: FuzzSeeds): FuzzTarget => ({
  name: 'fmp4-init',
  about: 'fMP4 init segment reader (moov, trak, sample entries, avcC/hvcC/esds, trex)',
  seeds: seeds.fmp4Init,
  run: (input) => allowOnly(() => readInitSegment(input), Fmp4ParseError),
});

const fmp4FragmentTarget = (seeds: FuzzSeeds): FuzzTarget => ({
  name: 'fmp4-fragment',
  about: 'fMP4 media segment readers: the moof summary (crash recovery) and the frames (remux, export)',
  seeds: seeds.fmp4Fragment,
  run(input) {
    allowOnly(() => readFragmentSummary(input), Fmp4ParseError);
    allowOnly(() => readFragmentFrames(input, seeds.fmp4Defaults).forEach(checkFrame), Fmp4ParseError);
  },
});

export function fuzzTargets(seeds: FuzzSeeds): Record<TargetName, FuzzTarget> {
  return {
    amf0: amf0Target(seeds),
    'rtmp-chunks': rtmpTarget(seeds),
    flv: flvTarget(seeds),
    mpegts: mpegtsTarget(seeds),
    srt: srtTarget(seeds),
    'fmp4-init': fmp4InitTarget(seeds),
    'fmp4-fragment': fmp4FragmentTarget(seeds),
  };
}

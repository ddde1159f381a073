import { IngestLimitError, type BufferAccount } from '../ingest-limits.js';
import { ControlType, controlPacket, nextSequence, sequenceDistance, sequenceMask, words, type SrtPacket } from './srt-packet.js';

export interface ReceiverOptions {
  ourSocketId: number;
  peerSocketId: number;
  initialSequence: number;
  /** Negotiated latency: how long a gap may wait for its retransmission before it is given up. */
  latencyMs: number;
  /** Silence from the peer for this long breaks the connection (libsrt's default is 5 s). */
  idleTimeoutMs?: number;
  /** Where the packets held for reordering are counted; its limit errors end the connection. */
  account?: BufferAccount;
  /** When the connection began, on the clock receive() and tick() are given (performance.now()). */
  now?: number;
  send(datagram: Uint8Array): void;
  deliver(payload: Uint8Array): void;
  closed(reason: string, lost: boolean): void;
}

const defaultIdleTimeoutMs = 5000;
const ackIntervalMs = 10;
/**
 * Packets we accept ahead of the next one to deliver: what we advertise as free buffer
 * in every ACK (and as flow window in the handshake), so a sender that follows the
 * protocol never goes past it. libsrt's default receive buffer is the same 8192 packets.
 */
export const receiveWindowPackets = 8192;
/** What one held packet costs beyond its payload: the Map entry and the datagram's own header. */
const packetOverheadBytes = 64;
/** A NAK is one datagram: ~350 32-bit words fit in a 1500-byte MTU. */
const maxNakWords = 348;

/** Sequences first..last (inclusive, in the 2^31 ring) that have not arrived. */
interface LossRange {
  first: number;
  last: number;
  /** When they went missing, and when they were last asked for (ms). */
  since: number;
  askedAt: number;
}

/**
 * The receiving half of one SRT live-mode connection: in-order delivery, ACKs
 * every 10 ms, NAKs for gaps (immediately and again until repaired), RTT from
 * ACKACKs, and too-late drop once a gap outlives the latency.
 *
 * What a peer can make us keep is bounded: packets are taken only within the receive
 * window, losses are kept as ranges (a jump of N packets is one entry, not N), and held
 * packets are counted in the connection's buffer account.
 */
export class SrtReceiver {
  private nextExpected: number;
  /** One past the highest sequence seen: [nextExpected, frontier) is all held or lost. */
  private frontier: number;
  private readonly buffered = new Map<number, Uint8Array>();
  /** In sequence order; the first one, when any, starts at nextExpected. */
  private losses: LossRange[] = [];
  private readonly startedAt = performance.now();
  private ackNumber = 0;
  private readonly ackSentAt = new Map<number, number>();
  private lastAckedSequence = -1;
  private lastAckAt = 0;
  private lastPeerPacketAt: number;
  private rttMs = 100;
  private rttVarMs = 50;
  private receivedInWindow = 0;
  private bytesInWindow = 0;
  private windowStartedAt: number;
  private closedReason: string | null = null;
  private readonly idleTimeoutMs: number;
  readonly stats = { packets: 0, retransmitted: 0, lost: 0, dropped: 0 };

  constructor(private readonly o: ReceiverOptions) {
    this.nextExpected = o.initialSequence & sequenceMask;
    this.frontier = this.nextExpected;
    this.idleTimeoutMs = o.idleTimeoutMs ?? defaultIdleTimeoutMs;
    this.lastPeerPacketAt = o.now ?? performance.now();
    this.windowStartedAt = this.lastPeerPacketAt;
  }

  get closed(): boolean {
    return this.closedReason !== null;
  }

  /** What the peer makes us keep right now: loss entries, sequences they cover, packets held. */
  get held(): { lossEntries: number; missingPackets: number; bufferedPackets: number } {
    const missingPackets = this.losses.reduce((n, r) => n + rangeLength(r), 0);
    return { lossEntries: this.losses.length, missingPackets, bufferedPackets: this.buffered.size };
  }

  receive(packet: SrtPacket, now = performance.now()): void {
    if (this.closed) return;
    this.lastPeerPacketAt = now;
    if (packet.control) return this.onControl(packet.type, packet.info, now);
    if (packet.keyFlags !== 0) return this.close('the publisher encrypts (passphrase set); encrypted SRT is not supported', false);
    this.stats.packets++;
    this.receivedInWindow++;
    this.bytesInWindow += packet.payload.length;
    if (packet.retransmitted) this.stats.retransmitted++;
    const sequence = packet.sequence & sequenceMask;
    const distance = sequenceDistance(sequence, this.nextExpected);
    if (distance < 0) return; // already delivered, or given up on
    if (distance >= receiveWindowPackets) {
      return this.close(`sequence jumped ${distance} packets ahead, beyond the ${receiveWindowPackets}-packet receive window`, true);
    }
    if (sequenceDistance(sequence, this.frontier) >= 0) this.advanceFrontier(sequence, now);
    else if (!this.fillLoss(sequence)) return; // a duplicate
    if (distance === 0) {
      this.o.deliver(packet.payload);
      this.nextExpected = nextSequence(this.nextExpected);
      this.flush();
      return;
    }
    try {
      this.o.account?.hold(packet.payload.length + packetOverheadBytes);
    } catch (err) {
      if (err instanceof IngestLimitError) return this.close(err.message, true);
      throw err;
    }
    this.buffered.set(sequence, packet.payload);
  }

  /** Timers: ACKs, repeated NAKs, too-late drop, peer timeout. Called every few ms. */
  tick(now = performance.now()): void {
    if (this.closed) return;
    if (now - this.lastPeerPacketAt > this.idleTimeoutMs) return this.close(`no data for ${this.idleTimeoutMs / 1000} s`, true);
    this.dropTooLate(now);
    if (now - this.lastAckAt >= ackIntervalMs && (this.nextExpected !== this.lastAckedSequence || now - this.lastAckAt > 250)) this.sendAck(now);
    const due = this.losses.filter((r) => now - r.askedAt > Math.max(20, this.rttMs + 4 * this.rttVarMs));
    if (due.length > 0) this.sendNak(due, now);
  }

  close(reason: string, lost: boolean): void {
    if (this.closed) return;
    this.closedReason = reason;
    this.forget();
    this.o.send(controlPacket(ControlType.Shutdown, 0, this.timestamp(), this.o.peerSocketId, words(0)));
    this.o.closed(reason, lost);
  }

  private forget(): void {
    this.buffered.clear();
    this.losses = [];
    this.o.account?.close();
  }

  private onControl(type: number, info: number, now: number): void {
    switch (type) {
      case ControlType.AckAck: {
        const sentAt = this.ackSentAt.get(info);
        if (sentAt === undefined) return;
        this.ackSentAt.delete(info);
        const sample = now - sentAt;
        this.rttVarMs = (3 * this.rttVarMs + Math.abs(this.rttMs - sample)) / 4;
        this.rttMs = (7 * this.rttMs + sample) / 8;
        return;
      }
      case ControlType.Shutdown:
        this.closedReason = 'the publisher disconnected';
        this.forget();
        this.o.closed('the publisher disconnected', false);
        return;
      case ControlType.Keepalive:
        this.o.send(controlPacket(ControlType.Keepalive, 0, this.timestamp(), this.o.peerSocketId));
        return;
      default:
        // Handshake repeats, congestion warnings, drop requests: nothing to do for a receiver.
        return;
    }
  }

  /** A packet at or past the frontier: what lies between is lost, as one range, asked for at once. */
  private advanceFrontier(sequence: number, now: number): void {
    if (sequence !== this.frontier) {
      const range: LossRange = { first: this.frontier, last: (sequence - 1) & sequenceMask, since: now, askedAt: now };
      this.losses.push(range);
      this.stats.lost += rangeLength(range);
      this.sendNak([range], now);
    }
    this.frontier = nextSequence(sequence);
  }

  /** A packet before the frontier repairs a loss; false when no loss held it (a duplicate). */
  private fillLoss(sequence: number): boolean {
    if (this.buffered.has(sequence)) return false;
    const index = this.lossAt(sequence);
    if (index < 0) return false;
    const range = this.losses[index]!;
    const before = sequence === range.first ? null : { ...range, last: (sequence - 1) & sequenceMask };
    const after = sequence === range.last ? null : { ...range, first: nextSequence(sequence) };
    this.losses.splice(index, 1, ...[before, after].filter((r): r is LossRange => r !== null));
    return true;
  }

  /** The loss range holding `sequence`, or -1; a binary search, as a peer may make thousands of ranges. */
  private lossAt(sequence: number): number {
    const offset = (s: number) => sequenceDistance(s, this.nextExpected);
    const target = offset(sequence);
    let low = 0;
    let high = this.losses.length - 1;
    while (low <= high) {
      const mid = (low + high) >>> 1;
      const range = this.losses[mid]!;
      if (target < offset(range.first)) high = mid - 1;
      else if (target > offset(range.last)) low = mid + 1;
      else return mid;
    }
    return -1;
  }

  private flush(): void {
    for (let payload = this.buffered.get(this.nextExpected); payload; payload = this.buffered.get(this.nextExpected)) {
      this.buffered.delete(this.nextExpected);
      this.o.account?.release(payload.length + packetOverheadBytes);
      this.o.deliver(payload);
      this.nextExpected = nextSequence(this.nextExpected);
    }
  }

  /** A gap older than the latency will not be repaired in time: skip past it to the packets held after it. */
  private dropTooLate(now: number): void {
    for (let first = this.losses[0]; first && now - first.since > this.o.latencyMs; first = this.losses[0]) {
      this.losses.shift();
      this.stats.dropped += rangeLength(first);
      this.nextExpected = nextSequence(first.last);
      this.flush();
    }
  }

  private sendAck(now: number): void {
    this.ackNumber = (this.ackNumber + 1) & 0x7fffffff;
    this.ackSentAt.set(this.ackNumber, now);
    if (this.ackSentAt.size > 64) this.ackSentAt.delete(this.ackSentAt.keys().next().value!);
    const seconds = Math.max(0.001, (now - this.windowStartedAt) / 1000);
    const packetsPerSecond = Math.round(this.receivedInWindow / seconds);
    const bytesPerSecond = Math.round(this.bytesInWindow / seconds);
    if (seconds > 1) {
      this.receivedInWindow = 0;
      this.bytesInWindow = 0;
      this.windowStartedAt = now;
    }
    const free = Math.max(2, receiveWindowPackets - sequenceDistance(this.frontier, this.nextExpected));
    const body = words(this.nextExpected, Math.round(this.rttMs * 1000), Math.round(this.rttVarMs * 1000), free, packetsPerSecond, packetsPerSecond * 2, bytesPerSecond);
    this.o.send(controlPacket(ControlType.Ack, this.ackNumber, this.timestamp(), this.o.peerSocketId, body));
    this.lastAckedSequence = this.nextExpected;
    this.lastAckAt = now;
  }

  /** Loss list: single numbers, or ranges as (first | 0x80000000, last); what does not fit waits for the next round. */
  private sendNak(ranges: readonly LossRange[], now: number): void {
    const list: number[] = [];
    for (const range of ranges) {
      const single = range.first === range.last;
      if (list.length + (single ? 1 : 2) > maxNakWords) break;
      if (single) list.push(range.first);
      else list.push((range.first | 0x80000000) >>> 0, range.last);
      range.askedAt = now;
    }
    this.o.send(controlPacket(ControlType.Nak, 0, this.timestamp(), this.o.peerSocketId, words(...list)));
  }

  private timestamp(): number {
    return Math.floor((performance.now() - this.startedAt) * 1000) >>> 0;
  }
}

const rangeLength = (r: Pick<LossRange, 'first' | 'last'>) => sequenceDistance(r.last, r.first) + 1;

import { ControlType, controlPacket, nextSequence, sequenceDistance, words, type SrtPacket } from './srt-packet.js';

export interface ReceiverOptions {
  ourSocketId: number;
  peerSocketId: number;
  initialSequence: number;
  /** Negotiated latency: how long a gap may wait for its retransmission before it is given up. */
  latencyMs: number;
  send(datagram: Uint8Array): void;
  deliver(payload: Uint8Array): void;
  closed(reason: string, lost: boolean): void;
}

// Silence from the peer for this long breaks the connection (libsrt's default is 5 s too).
const peerTimeoutMs = 5000;
const ackIntervalMs = 10;
const maxReorderWindow = 8192;
const maxBufferedPackets = 16384;

/**
 * The receiving half of one SRT live-mode connection: in-order delivery, ACKs
 * every 10 ms, NAKs for gaps (immediately and again until repaired), RTT from
 * ACKACKs, and too-late drop once a gap outlives the latency.
 */
export class SrtReceiver {
  private nextExpected: number;
  private readonly buffered = new Map<number, Uint8Array>();
  /** Missing sequence → when it went missing and when it was last asked for (ms). */
  private readonly missing = new Map<number, { since: number; askedAt: number }>();
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
  readonly stats = { packets: 0, retransmitted: 0, lost: 0, dropped: 0 };

  constructor(private readonly o: ReceiverOptions) {
    this.nextExpected = o.initialSequence;
    this.lastPeerPacketAt = performance.now();
    this.windowStartedAt = this.lastPeerPacketAt;
  }

  get closed(): boolean {
    return this.closedReason !== null;
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
    const distance = sequenceDistance(packet.sequence, this.nextExpected);
    if (distance < 0) return; // already delivered, or given up on
    if (distance > maxReorderWindow) return this.close(`sequence jumped by ${distance} packets`, true);
    if (distance === 0) {
      this.missing.delete(packet.sequence);
      this.o.deliver(packet.payload);
      this.nextExpected = nextSequence(this.nextExpected);
      this.flush();
      return;
    }
    if (this.buffered.has(packet.sequence)) return;
    if (this.buffered.size >= maxBufferedPackets) return this.close('receive buffer overflow', true);
    this.buffered.set(packet.sequence, packet.payload);
    this.missing.delete(packet.sequence);
    // Everything between what we expect and this packet that we do not hold is missing.
    const newlyMissing: number[] = [];
    for (let s = this.nextExpected; s !== packet.sequence; s = nextSequence(s)) {
      if (!this.buffered.has(s) && !this.missing.has(s)) {
        this.missing.set(s, { since: now, askedAt: now });
        newlyMissing.push(s);
      }
    }
    if (newlyMissing.length > 0) {
      this.stats.lost += newlyMissing.length;
      this.sendNak(newlyMissing);
    }
  }

  /** Timers: ACKs, repeated NAKs, too-late drop, peer timeout. Called every few ms. */
  tick(now = performance.now()): void {
    if (this.closed) return;
    if (now - this.lastPeerPacketAt > peerTimeoutMs) return this.close(`no data for ${peerTimeoutMs / 1000} s`, true);
    this.dropTooLate(now);
    if (now - this.lastAckAt >= ackIntervalMs && (this.nextExpected !== this.lastAckedSequence || now - this.lastAckAt > 250)) this.sendAck(now);
    const repeat: number[] = [];
    for (const [sequence, entry] of this.missing) {
      if (now - entry.askedAt > Math.max(20, this.rttMs + 4 * this.rttVarMs)) {
        entry.askedAt = now;
        repeat.push(sequence);
      }
    }
    if (repeat.length > 0) this.sendNak(repeat);
  }

  close(reason: string, lost: boolean): void {
    if (this.closed) return;
    this.closedReason = reason;
    this.o.send(controlPacket(ControlType.Shutdown, 0, this.timestamp(), this.o.peerSocketId, words(0)));
    this.o.closed(reason, lost);
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

  private flush(): void {
    for (let payload = this.buffered.get(this.nextExpected); payload; payload = this.buffered.get(this.nextExpected)) {
      this.buffered.delete(this.nextExpected);
      this.o.deliver(payload);
      this.nextExpected = nextSequence(this.nextExpected);
    }
  }

  /** A gap older than the latency will not be repaired in time: skip to the next packet we hold. */
  private dropTooLate(now: number): void {
    const first = this.missing.entries().next();
    if (first.done || now - first.value[1].since <= this.o.latencyMs) return;
    let target: number | null = null;
    for (const sequence of this.buffered.keys()) {
      if (target === null || sequenceDistance(sequence, target) < 0) target = sequence;
    }
    if (target === null) return;
    for (let s = this.nextExpected; s !== target; s = nextSequence(s)) {
      this.missing.delete(s);
      this.stats.dropped++;
    }
    this.nextExpected = target;
    this.flush();
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
    const body = words(this.nextExpected, Math.round(this.rttMs * 1000), Math.round(this.rttVarMs * 1000), Math.max(2, maxBufferedPackets - this.buffered.size), packetsPerSecond, packetsPerSecond * 2, bytesPerSecond);
    this.o.send(controlPacket(ControlType.Ack, this.ackNumber, this.timestamp(), this.o.peerSocketId, body));
    this.lastAckedSequence = this.nextExpected;
    this.lastAckAt = now;
  }

  /** Loss list: single numbers, or ranges as (first | 0x80000000, last). */
  private sendNak(sequences: number[]): void {
    const list: number[] = [];
    // One datagram holds ~350 entries; what does not fit is asked for in the next round.
    for (let i = 0; i < sequences.length && list.length < 349; ) {
      let j = i;
      while (j + 1 < sequences.length && sequences[j + 1] === nextSequence(sequences[j]!)) j++;
      if (j === i) list.push(sequences[i]!);
      else list.push((sequences[i]! | 0x80000000) >>> 0, sequences[j]!);
      i = j + 1;
    }
    this.o.send(controlPacket(ControlType.Nak, 0, this.timestamp(), this.o.peerSocketId, words(...list)));
  }

  private timestamp(): number {
    return Math.floor((performance.now() - this.startedAt) * 1000) >>> 0;
  }
}

import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ConnectionCounter, IngestLimitError, IngestMemory, LimitWarnings, peerAddress } from './ingest-limits.js';

describe('ConnectionCounter', () => {
  it('caps connections per address and in total, reading the limits at each admission', () => {
    let limits = { maxConnections: 3, maxConnectionsPerAddress: 2 };
    const counter = new ConnectionCounter('RTMP', () => limits);
    const a1 = counter.admit('10.0.0.1');
    const a2 = counter.admit('10.0.0.1');
    const a3 = counter.admit('10.0.0.1');
    expect([a1.ok, a2.ok, a3.ok]).toEqual([true, true, false]);
    expect(!a3.ok && a3.error.message).toMatch(/^2 RTMP connections from 10\.0\.0\.1 are open, the most allowed from one address \(setting ingestMaxConnectionsPerAddress/);
    expect(counter.admit('10.0.0.2').ok).toBe(true);
    const full = counter.admit('10.0.0.3');
    expect(!full.ok && full.error.setting).toBe('ingestMaxConnections');
    limits = { maxConnections: 4, maxConnectionsPerAddress: 2 };
    expect(counter.admit('10.0.0.3').ok).toBe(true);
    expect(counter.open).toBe(4);
  });

  it('gives a slot back once, however often release is called', () => {
    const counter = new ConnectionCounter('SRT', () => ({ maxConnections: 1, maxConnectionsPerAddress: 1 }));
    const first = counter.admit('::1');
    if (!first.ok) throw first.error;
    first.release();
    first.release();
    expect(counter.open).toBe(0);
    expect(counter.admit('::1').ok).toBe(true);
    expect(counter.admit('::1').ok).toBe(false);
  });

  it('counts an IPv4-mapped IPv6 peer as the IPv4 address it is', () => {
    expect(peerAddress('::ffff:192.168.1.20')).toBe('192.168.1.20');
    expect(peerAddress('fe80::1')).toBe('fe80::1');
    expect(peerAddress(undefined)).toBe('?');
  });
});

describe('IngestMemory', () => {
  it('refuses what passes a limit without taking it, and a closed account gives all back once', () => {
    const memory = new IngestMemory(() => ({ maxBufferBytes: 1000, maxTotalBufferBytes: 1500 }));
    const a = memory.open();
    const b = memory.open();
    a.hold(900);
    expect(() => a.hold(200)).toThrow(IngestLimitError);
    expect(a.held).toBe(900);
    expect(() => b.hold(700)).toThrow(/setting ingestMaxTotalBufferMB/);
    b.hold(600);
    a.release(5000); // never below zero
    expect(memory.heldBytes).toBe(600);
    b.close();
    b.close();
    b.hold(10); // a closed account holds nothing more
    expect(memory.heldBytes).toBe(0);
  });
});

describe('LimitWarnings', () => {
  it('logs the first refusal of a kind at once and the rest as a count in the next line', () => {
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, new Writable({ write: (chunk: Buffer, _e, done) => (lines.push((JSON.parse(chunk.toString()) as { msg: string }).msg), done()) }));
    const warnings = new LimitWarnings(log, 10_000);
    const perAddress = new IngestLimitError('ingestMaxConnectionsPerAddress', '5 RTMP connections from 10.0.0.9 are open');
    for (let i = 0; i < 200; i++) warnings.warn('rtmp: refusing a connection', perAddress, {}, 1000 + i);
    warnings.warn('rtmp: refusing a connection', new IngestLimitError('ingestMaxConnections', '1000 RTMP connections are open'), {}, 1300);
    warnings.warn('rtmp: refusing a connection', perAddress, {}, 12_000);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('rtmp: refusing a connection: 5 RTMP connections from 10.0.0.9 are open (setting ingestMaxConnectionsPerAddress; raise it if this publisher is genuine)');
    expect(lines[2]).toMatch(/\(199 more refused for this limit since the last such line\)$/);
  });
});

import { describe, expect, it } from 'vitest';
import { allowedHostnames, hostnameOf } from './host-guard.js';

describe('host guard', () => {
  it('takes the host part of a Host header', () => {
    expect(hostnameOf('127.0.0.1:8935')).toBe('127.0.0.1');
    expect(hostnameOf('Studio.LAN')).toBe('studio.lan');
    expect(hostnameOf('[::1]:8935')).toBe('::1');
    expect(hostnameOf('::1')).toBe('::1');
  });

  it('allows loopback names and this machine, the LAN addresses only when bound to the LAN', () => {
    const interfaces = { eth0: [{ address: '192.168.1.20', family: 'IPv4' as const, internal: false, netmask: '', mac: '', cidr: null }] };
    const local = allowedHostnames('127.0.0.1', [], interfaces, 'desk');
    expect([...local]).toEqual(expect.arrayContaining(['localhost', '127.0.0.1', '::1', 'desk', 'desk.local']));
    expect(local.has('192.168.1.20')).toBe(false);
    expect(local.has('evil.example')).toBe(false);
    const lan = allowedHostnames('0.0.0.0', ['studio.lan:8935'], interfaces, 'desk');
    expect(lan.has('192.168.1.20')).toBe(true);
    expect(lan.has('studio.lan')).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { ProcessRegistry, shellQuote } from './process-registry.js';

describe('process registry', () => {
  it('kills every running child on killAll and reports them as signalled', async () => {
    const registry = new ProcessRegistry(pino({ level: 'silent' }));
    const runs = [registry.run('sleep', ['30'], { label: 'a' }), registry.run('sleep', ['30'], { label: 'b' })];
    await new Promise((r) => setTimeout(r, 100));
    expect(registry.size).toBe(2);
    const started = Date.now();
    await registry.killAll();
    const results = await Promise.all(runs);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(results.every((r) => r.signal === 'SIGTERM')).toBe(true);
    expect(registry.size).toBe(0);
  });

  it('times out, keeps only the tail of long output, and reports spawn failures', async () => {
    const registry = new ProcessRegistry(pino({ level: 'silent' }));
    const slow = await registry.run('sleep', ['30'], { label: 'slow', timeoutMs: 200 });
    expect(slow.timedOut).toBe(true);
    const loud = await registry.run('sh', ['-c', 'head -c 200000 /dev/zero | tr "\\0" a; echo END'], { label: 'loud', keepBytes: 1000 });
    expect(loud.stdout.length).toBeLessThan(80_000);
    expect(loud.stdout.endsWith('END\n')).toBe(true);
    const missing = await registry.run('/no/such/binary', [], { label: 'missing' });
    expect(missing.code).toBeNull();
    expect(missing.stderr).toMatch(/ENOENT/);
  });

  it('quotes arguments so logged command lines can be pasted into a shell', () => {
    expect(shellQuote('-c:v')).toBe('-c:v');
    expect(shellQuote('testsrc2=size=320x240')).toBe('testsrc2=size=320x240');
    expect(shellQuote("it's here")).toBe(`'it'\\''s here'`);
  });
});

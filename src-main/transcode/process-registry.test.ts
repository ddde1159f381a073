import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { ProcessRegistry, shellQuote } from './process-registry.js';

describe('process registry', () => {
  it('kills every running child on killAll and reports them as signalled', async () => {
    const registry = new ProcessRegistry(pino({ level: 'silent' }));
    const runs = [registry.run('sleep', ['30'], { label: 'a' }), registry.run('sleep', ['30'], { label: 'b' })];
    expect(registry.size).toBe(2); // registered when started, not later
    await registry.killAll();
    const results = await Promise.all(runs);
    // Ended by the SIGTERM, not by the SIGKILL that follows 3 s later for a child that ignores it, nor by sleep running out.
    expect(results.map((r) => r.signal)).toEqual(['SIGTERM', 'SIGTERM']);
    expect(registry.size).toBe(0);
  });

  it('times out, keeps only the tail of long output, and reports spawn failures', async () => {
    const registry = new ProcessRegistry(pino({ level: 'silent' }));
    const slow = await registry.run('sleep', ['30'], { label: 'slow', timeoutMs: 200 });
    expect(slow.timedOut).toBe(true);
    const loud = await registry.run('sh', ['-c', 'head -c 200000 /dev/zero | tr "\\0" a; echo END'], { label: 'loud', keepBytes: 1000 });
    // keepBytes is what is kept: the last 1000 bytes of the 200 004 written, exactly.
    expect(loud.stdout).toBe(`${'a'.repeat(1000 - 'END\n'.length)}END\n`);
    const loudErr = await registry.run('sh', ['-c', 'head -c 200000 /dev/zero | tr "\\0" a >&2; echo END >&2'], { label: 'loud stderr', keepBytes: 1000 });
    expect(loudErr.stderr).toBe(`${'a'.repeat(1000 - 'END\n'.length)}END\n`);
    const quiet = await registry.run('sh', ['-c', 'echo short'], { label: 'quiet', keepBytes: 1000 });
    expect(quiet.stdout).toBe('short\n'); // shorter output is kept whole
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

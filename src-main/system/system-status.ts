import fs from 'node:fs/promises';
import os from 'node:os';
import type { DiskUsage, SystemStatus } from '../contract/studio-api.js';

export async function diskUsage(dir: string): Promise<DiskUsage> {
  const stat = await fs.statfs(dir);
  return { path: dir, freeBytes: stat.bavail * stat.bsize, totalBytes: stat.blocks * stat.bsize };
}

/** Samples the studio's own CPU use between calls, as a share of one core. */
export class SystemMonitor {
  private readonly startedAt = Date.now();
  private lastCpu = process.cpuUsage();
  private lastAt = performance.now();

  constructor(
    private readonly version: string,
    private readonly dataDir: string,
  ) {}

  uptimeSeconds(): number {
    return (Date.now() - this.startedAt) / 1000;
  }

  async status(): Promise<SystemStatus> {
    const now = performance.now();
    const cpu = process.cpuUsage();
    const usedMicros = cpu.user - this.lastCpu.user + (cpu.system - this.lastCpu.system);
    const elapsedMicros = Math.max(1, (now - this.lastAt) * 1000);
    this.lastCpu = cpu;
    this.lastAt = now;
    return {
      version: this.version,
      uptime: this.uptimeSeconds(),
      platform: `${process.platform}-${process.arch}`,
      cpu: {
        cores: os.availableParallelism(),
        load1: os.loadavg()[0] ?? 0,
        processPercent: Math.round((usedMicros / elapsedMicros) * 1000) / 10,
      },
      memory: { totalBytes: os.totalmem(), freeBytes: os.freemem(), rssBytes: process.memoryUsage.rss() },
      dataDir: await diskUsage(this.dataDir),
    };
  }
}

import fs from 'node:fs/promises';
import os from 'node:os';
import type { Logger } from 'pino';
import type { DiskUsage, SystemStatus } from '../contract/studio-api.js';
import type { StudioEvents } from '../events/studio-events.js';

export async function diskUsage(dir: string): Promise<DiskUsage> {
  const stat = await fs.statfs(dir);
  return { path: dir, freeBytes: stat.bavail * stat.bsize, totalBytes: stat.blocks * stat.bsize };
}

/** Samples the studio's own CPU use between calls, as a share of one core. */
export class SystemMonitor {
  private readonly startedAt = Date.now();
  private lastCpu = process.cpuUsage();
  private lastAt = performance.now();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly version: string,
    private readonly dataDir: string,
  ) {}

  /** Sends 'system_status' every two seconds (CPU is measured between sends). */
  start(events: StudioEvents, log: Logger): void {
    this.timer = setInterval(() => {
      this.status().then(
        (status) => events.publish('system_status', status),
        (err: unknown) => log.warn({ err }, 'system status failed'),
      );
    }, 2000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

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

import fs from 'node:fs';

const ticksPerSecond = 100; // USER_HZ on Linux

/** CPU seconds (user + system) used so far by a process and its live children (nginx workers). */
export function cpuSeconds(pid: number, o: { children?: boolean } = {}): number {
  let total = 0;
  // Listing /proc costs the measuring process CPU of its own: skip it for a process without children.
  for (const p of o.children === false ? [pid] : [pid, ...childPids(pid)]) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
    } catch {
      // the process ended between listing and reading
    }
  }
  return total;
}

function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // gone already
    }
  }
  return out;
}

/** Resident memory (VmRSS) of a process and its live children, summed: nginx's master and workers count as one server. */
export function rssBytes(pid: number, o: { children?: boolean } = {}): number {
  let total = 0;
  for (const p of o.children === false ? [pid] : [pid, ...childPids(pid)]) {
    try {
      const kb = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${p}/status`, 'utf8'))?.[1];
      total += Number(kb ?? 0) * 1024;
    } catch {
      // the process ended between listing and reading
    }
  }
  return total;
}

/**
 * Samples rssBytes while a load runs; stop() gives the peak. A single reading at the end
 * would miss memory that is handed back as soon as the clients go.
 */
export function sampleRss(pid: number, everyMs = 500): { stop(): number } {
  let peak = rssBytes(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssBytes(pid))), everyMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, rssBytes(pid));
    },
  };
}

/**
 * CPU time of the whole machine (all cores, in core-seconds) from /proc/stat: time spent in
 * processes, and interrupt time, which no process is charged for (loopback TCP is mostly softirq).
 */
export async function machineSeconds(): Promise<{ processes: number; interrupts: number }> {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const [user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number) as number[];
  return { processes: (user! + nice! + system! + steal!) / ticksPerSecond, interrupts: (irq! + softirq!) / ticksPerSecond };
}

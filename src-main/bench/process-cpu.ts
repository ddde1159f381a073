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

// What the benchmarks and the live memory checks read about processes and the machine, from
// Linux's /proc.
import { readFileSync } from 'node:fs';

/** Linux reports CPU time in /proc in clock ticks of USER_HZ, which is 100 on every architecture. */
const TICKS_PER_SECOND = 100;

/** Ticks since boot on all cores together, from /proc/stat: [busy, total]. */
function machineTicks(): [number, number] {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: idle and iowait are the idle time.
  const total = fields.slice(0, 8).reduce((sum, value) => sum + value, 0);
  return [total - fields[3]! - fields[4]!, total];
}

/**
 * Starts measuring how busy the whole machine is; the returned function gives the share of all
 * cores used since, 0 to 1.
 */
export function measureMachineCpu(): () => number {
  const [busyBefore, totalBefore] = machineTicks();
  return () => {
    const [busy, total] = machineTicks();
    return total === totalBefore ? 0 : (busy - busyBefore) / (total - totalBefore);
  };
}

/** CPU seconds a process has used so far, user and system, all its threads (V8's GC helpers too). */
export function processCpuSeconds(pid: number): number {
  // The command name (field 2) may hold spaces: count fields from after its closing parenthesis.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Resident memory of a process now and at its peak (VmHWM), in bytes, as the kernel sees it. */
export function processMemory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]) * 1024;
  return { rss: kib('VmRSS'), peak: kib('VmHWM') };
}

/** Resident memory of a process now, in whole MiB. */
export function rssMiB(pid: number): number {
  return Math.round(processMemory(pid).rss / 1024 ** 2);
}

import { readFileSync } from "node:fs";
import os from "node:os";

// Reading another process's CPU time and memory from /proc (Linux only), so a server is measured
// from outside, whatever it is written in.

/** Clock ticks per second for /proc/<pid>/stat; 100 on every Linux this runs on. */
const CLK_TCK = 100;

/** CPU time (user + system) that `pid` has used so far, in microseconds; 10 ms resolution. */
export function cpuMicros(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may contain spaces; the fields after its ')' are fixed.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1_000_000) / CLK_TCK;
}

/** Resident memory of `pid` (VmRSS), in bytes. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  return match ? Number(match[1]) * 1024 : NaN;
}

/** Summed CPU microseconds of several processes (one target may run two servers). */
export const totalCpuMicros = (pids: number[]): number => pids.reduce((sum, pid) => sum + cpuMicros(pid), 0);
/** Summed VmRSS of several processes, in bytes. */
export const totalRssBytes = (pids: number[]): number => pids.reduce((sum, pid) => sum + rssBytes(pid), 0);

/** The soft limit on open files of this process (children inherit it). */
export function openFileLimit(): number {
  const limits = readFileSync("/proc/self/limits", "utf8");
  const match = /^Max open files\s+(\d+|unlimited)/m.exec(limits);
  return !match || match[1] === "unlimited" ? Infinity : Number(match[1]);
}

/** One line naming the machine: cores, CPU model, memory, Node version. */
export function describeMachine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? "unknown CPU";
  return `${cpus.length} cores, ${model}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${os.type()} ${os.release()}`;
}

/** Busy and total CPU time of the whole machine so far, in µs (from /proc/stat's "cpu" line). */
export function machineCpuMicros(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0] ?? "";
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0); // idle + iowait
  return { busy: ((total - idle) * 1_000_000) / CLK_TCK, total: (total * 1_000_000) / CLK_TCK };
}

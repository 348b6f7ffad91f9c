// The clock the CPU-bound audit-log benches read: this process's CPU time
// (user + system, all threads, so GC work counts), in milliseconds. "Per core"
// targets are rates per CPU-second: on these shared 2-core machines wall time
// mostly measures the other jobs, and the subject and its peer run one after
// the other, so their wall-time ratio moves with the load between them.
import type { BenchOptions } from 'vitest';

/** Process CPU time in milliseconds. */
export function cpuTimeMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Bench options: `time` ms of CPU time per task after a short warm-up, on the CPU clock. */
export function onCpuClock(time: number): BenchOptions {
  return { time, warmupTime: 300, now: cpuTimeMs };
}

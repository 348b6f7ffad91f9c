// The clock every crypto bench reads: this process's CPU time (user + system,
// all of its threads, so GC work counts), in milliseconds with microsecond
// resolution. On an idle machine a CPU-bound loop's CPU time and wall time
// agree; on a shared one (these benches run on 2 cores next to other jobs)
// wall time mostly measures the other jobs, and the peer and the subject run
// one after the other, so their wall-time ratio moves with the load between
// them. Samples are kept at hundreds of microseconds or more (operations are
// batched where they are shorter), far above the clock's resolution.
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

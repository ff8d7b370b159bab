/**
 * Measurement helpers shared by the benchmarks.
 */

/** The p-th percentile (0-100) of an ascending array, nearest rank; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The median of unsorted values (the upper one of an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** CPU time (user + system) used since `since`, in microseconds. */
export function cpuUs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return used.user + used.system;
}

/** CPU time (user + system) used since `since`, in seconds. */
export function cpuSeconds(since: NodeJS.CpuUsage): number {
  return cpuUs(since) / 1e6;
}

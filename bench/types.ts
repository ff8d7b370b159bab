/** One line of the benchmark report. */
export interface BenchRow {
  /** What was measured, e.g. `pipeline x6: CPU per frame`. */
  name: string;
  /** The measured value. */
  value: number;
  /** Its unit, e.g. `us`, `x realtime`, `dB`. */
  unit: string;
  /** What it is compared with, measured in the same run. */
  anchor?: string;
  /** The anchor's value, same unit. */
  anchorValue?: number;
  /** value / anchorValue. */
  ratio?: number;
  /** The target (the targets table in docs/benchmarks.md), in words (e.g. `<= 5 us`). */
  target?: string;
  /** Whether the target is met. */
  pass?: boolean;
  /** Anything a reader needs to interpret the row. */
  notes?: string;
}

/** A benchmark module: `bench/<name>.bench.ts` exports `run`. */
export interface BenchModule {
  run(options: { quick: boolean }): Promise<BenchRow[]>;
  /** Run only when named (`pnpm bench <name>`), never in the default or `--quick` run (e.g. a soak of minutes). */
  readonly namedOnly?: boolean;
}

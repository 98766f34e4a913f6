// A benchmark figure as written to bench/results/latest.json: keyed by the figure names the issues give.
interface Figure {
  value: number;
  unit: string;
  /** How it was measured, in a sentence: what ran, how many times, against what. */
  method: string;
}

/** Each bench/<name>.ts exports `run(): Promise<Figures>`; bench/run.ts merges them into latest.json. */
export type Figures = Record<string, Figure>;

/**
 * Phase marks of one CLI run (milliseconds since the process started), written to summary.json as
 * runner.phases so the benchmark can say where the time went.
 */
const marks: { phase: string; ms: number }[] = [];

export function markPhase(phase: string): void {
  marks.push({ phase, ms: Math.round(performance.now()) });
}

export function phases(): { phase: string; ms: number }[] {
  return [...marks];
}

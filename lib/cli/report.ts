export async function generateReport(_resultsDir: string): Promise<number> {
  return 0;
}

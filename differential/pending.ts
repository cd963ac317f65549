/**
 * PENDING: cases where the embedded reference answers differently from real Nova 26.2.2 and the reference
 * must be fixed (none now). test/differential.test.ts fails for exactly these
 * cases until the reference is fixed; then remove the entry (the test also fails for an entry that no longer
 * differs). Key: case id (both bases) or `id/base`. Only the embedded reference is judged against this list.
 */
export const PENDING: Record<string, string> = {};

export function pendingReason(id: string, base: string): string | undefined {
  return PENDING[`${id}/${base}`] ?? PENDING[id];
}

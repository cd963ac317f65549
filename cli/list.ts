import { CATALOGUE } from '../catalogue/index.ts';

/** The behaviour catalogue as text (one line per behaviour) or as JSON. */
export function formatCatalogue(json: boolean): string {
  if (json) return JSON.stringify(CATALOGUE, null, 2);
  const width = Math.max(...CATALOGUE.map((b) => b.id.length));
  const lines = CATALOGUE.map((b) => `${b.id.padEnd(width)}  ${b.level.padEnd(13)}  ${b.rule}`);
  const counts = ['required', 'advisory', 'informational'].map((level) => `${CATALOGUE.filter((b) => b.level === level).length} ${level}`);
  return [...lines, '', `${CATALOGUE.length} behaviours: ${counts.join(', ')}`].join('\n');
}

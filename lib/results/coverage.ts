import { appliesTo, CATALOGUE, findBehaviour } from '../../catalogue/index.ts';
import type { Summary } from './summary.ts';

/**
 * Whole families of required behaviours that were not applicable in a run: a green gate says nothing about
 * them, and nothing else in the verdict says so (no image configured: the image-metadata behaviours are all
 * skipped, yet the run passes). A family is an epic (image metadata, IM-*) or, below it, the behaviours of
 * one ID prefix (SM-STATE-*) with at least two required behaviours in the run. Behaviours outside the
 * profile or skipped by an expectation are left out: someone chose that.
 */

/** The shortest family worth a warning (one behaviour not applicable is an ordinary N/A line). */
const MIN_FAMILY = 2;
/** How much of each distinct reason the warning quotes. */
const REASON_CHARS = 140;

function familyOf(id: string): string {
  return id.replace(/-\d+$/, '');
}

/** How an epic's behaviours are named: `IM-*` when the epic alone uses that prefix, else its ID families. */
function epicIds(epic: string, families: readonly string[]): string {
  const prefixes = [...new Set(CATALOGUE.filter((b) => b.epic === epic).map((b) => b.id.split('-')[0]!))];
  if (prefixes.length === 1 && !CATALOGUE.some((b) => b.epic !== epic && b.id.startsWith(`${prefixes[0]}-`))) return `${prefixes[0]}-*`;
  return `${families.slice(0, 4).map((f) => `${f}-*`).join(', ')}${families.length > 4 ? ', …' : ''}`;
}

/** One warning per family of required behaviours of which none was applicable (none: an empty list). */
export function notApplicableFamilies(summary: Pick<Summary, 'profile' | 'behaviours'>, skippedByExpectation: ReadonlySet<string> = new Set()): string[] {
  const required = summary.behaviours.filter((b) => {
    const def = findBehaviour(b.id);
    return b.level === 'required' && def !== undefined && appliesTo(def, summary.profile) && !skippedByExpectation.has(b.id);
  });
  const groups: { name: string; members: typeof required }[] = [];
  for (const epic of [...new Set(required.map((b) => findBehaviour(b.id)!.epic))]) {
    const members = required.filter((b) => findBehaviour(b.id)!.epic === epic);
    groups.push({ name: `${epic.toLowerCase()} (${epicIds(epic, [...new Set(members.map((b) => familyOf(b.id)))])})`, members });
  }
  for (const family of [...new Set(required.map((b) => familyOf(b.id)))]) groups.push({ name: `${family}-*`, members: required.filter((b) => familyOf(b.id) === family) });
  const warned = new Set<string>();
  const warnings: string[] = [];
  for (const { name, members } of groups) {
    if (members.length < MIN_FAMILY || members.some((b) => b.status !== 'not-applicable') || members.every((b) => warned.has(b.id))) continue;
    for (const b of members) warned.add(b.id);
    const reasons = [...new Set(members.map((b) => (b.reason ?? 'not applicable').replaceAll('\n', ' ').slice(0, REASON_CHARS)))];
    warnings.push(`NOT TESTED: all ${members.length} required behaviours of ${name} were not applicable, so the verdict says nothing about them (${reasons.slice(0, 2).join('; ')}${reasons.length > 2 ? '; …' : ''})`);
  }
  return warnings;
}

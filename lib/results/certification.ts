import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatCounts, STATUS_LABEL, type Summary } from './summary.ts';

export interface CertificationInput {
  suiteVersion: string;
  profile: string;
  target: { host: string; kind: string; region?: string; minMicroversion?: string; maxMicroversion?: string; notes: string[] };
  startedAt: string;
  finishedAt: string;
  /** 'full catalogue', or what a partial run selected; the expectations file applied, if any. */
  selection: string;
  expectations?: string;
  summary: Summary;
}

const LABEL: Readonly<Record<string, string>> = STATUS_LABEL;

/** results/certification.json and .md: what a certifier reads (no secret: hosts, versions, results only). */
export function writeCertification(dir: string, input: CertificationInput): void {
  const { summary } = input;
  const doc = {
    suite: { name: 'metaconform', version: input.suiteVersion },
    profile: input.profile,
    target: input.target,
    startedAt: input.startedAt,
    finishedAt: input.finishedAt,
    selection: input.selection,
    expectations: input.expectations ?? null,
    totals: summary.counts,
    verdict: summary.verdict,
    exitCode: summary.exitCode,
    behaviours: summary.behaviours.map((b) => ({ id: b.id, level: b.level, status: b.status, ...(b.reason ? { reason: b.reason } : {}) })),
  };
  writeFileSync(join(dir, 'certification.json'), `${JSON.stringify(doc, null, 2)}\n`);
  const t = input.target;
  const md = [
    `# metaconform certification — profile \`${input.profile}\``,
    '',
    `**Verdict: ${summary.verdict}** (exit ${summary.exitCode})`,
    '',
    '| | |',
    '|---|---|',
    `| suite | metaconform ${input.suiteVersion} |`,
    `| target | ${t.host} (${t.kind}${t.region ? `, region ${t.region}` : ''}) |`,
    `| microversions | ${t.minMicroversion ?? '?'} – ${t.maxMicroversion ?? '?'} |`,
    `| run | ${input.startedAt} – ${input.finishedAt} |`,
    `| selection | ${input.selection} |`,
    `| expectations | ${input.expectations ?? 'none'} |`,
    `| totals | ${formatCounts(summary.counts)} |`,
    ...t.notes.map((n) => `| note | **${n}** |`),
    '',
    '| behaviour | level | result | reason |',
    '|---|---|---|---|',
    ...summary.behaviours.map((b) => `| ${b.id} | ${b.level} | ${LABEL[b.status] ?? b.status} | ${(b.reason ?? '').replaceAll('|', '\\|').replaceAll('\n', ' ').slice(0, 300)} |`),
    '',
  ].join('\n');
  writeFileSync(join(dir, 'certification.md'), md);
}

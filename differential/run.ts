/**
 * The differential: replays every reproducible case of differential/cases.json against a target and compares
 * the answers with what real Nova 26.2.2 answered (status, content type, microversion headers, body shape,
 * follow-up read). Targets: the embedded reference (in process) or a live endpoint.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../lib/package-root.ts';
import { nova as novaProfile } from '../profiles/nova.ts';
import { implementationFor } from '../reference/mutants/index.ts';
import { startReference, type ReferenceServer } from '../reference/server.ts';
import { InfrastructureError } from '../lib/errors.ts';
import { HttpClient } from '../lib/http/client.ts';
import { describeExchange, header, json, type Exchange } from '../lib/http/exchange.ts';
import { redactText, registerSecret } from '../lib/http/redact.ts';
import { compareAnswer, compareFollowUp, type Difference, type Observed } from './compare.ts';
import { explain } from './explained.ts';
import { pendingReason } from './pending.ts';
import { RESET_METADATA, type Base, type CasesFile, type DiffCase } from './types.ts';
import type { Metadata } from '../lib/protocol.ts';


export interface DiffTarget {
  label: string;
  kind: 'reference' | 'endpoint';
  /** Compute root before the version segment (`http://host:8774`, `https://host/compute`). */
  root: string;
  token: string;
  projectId: string;
  serverId: string;
  errorServerId?: string;
  imageId?: string;
  timeoutMs: number;
}

export interface ClassifiedDifference extends Difference {
  /** Name of the entry in explained.ts that covers it. */
  explained?: string;
  /** Entry in pending.ts (a known modelling bug of the reference). */
  pending?: string;
}

export interface CaseOutcome {
  id: string;
  base: Base;
  title: string;
  outcome: 'same' | 'differ' | 'skipped';
  skip?: string;
  request?: { method: string; url: string };
  /** Nova's recorded status and the target's. */
  status?: { nova: number; target: number };
  differences: ClassifiedDifference[];
}

export interface DifferentialReport {
  target: { label: string; kind: DiffTarget['kind'] };
  counts: { cases: number; same: number; differ: number; skipped: number; explained: number; pending: number; unexplained: number };
  results: CaseOutcome[];
}

export function loadCases(path = join(PACKAGE_ROOT, 'differential', 'cases.json')): DiffCase[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as CasesFile).cases;
}

/**
 * The embedded reference (Nova profile) with the fixtures the recorded cases expect, as on the recorded
 * deployment: the writable server, the vm_state error server with its fixture metadata, the image.
 * A mutant may be named to check that the differential notices it.
 */
export async function startEmbeddedForDifferential(opts: { timeoutMs?: number; mutant?: string } = {}): Promise<{ target: DiffTarget; reference: ReferenceServer }> {
  const reference = await startReference({ profile: novaProfile, implementation: implementationFor(novaProfile, opts.mutant) });
  registerSecret(reference.token);
  const server = reference.store.createServer(reference.projectId, { metadata: { ...RESET_METADATA } });
  const errorServer = reference.store.createServer(reference.projectId, { vmState: 'error', metadata: { fixture: 'true', role: 'srv-error' } });
  const image = reference.store.createImage({ properties: { ...RESET_METADATA } });
  return {
    reference,
    target: {
      label: `embedded reference ${reference.url}${opts.mutant ? ` (mutant ${opts.mutant})` : ''}`,
      kind: 'reference',
      root: reference.url,
      token: reference.token,
      projectId: reference.projectId,
      serverId: server.id,
      errorServerId: errorServer.id,
      imageId: image.id,
      timeoutMs: opts.timeoutMs ?? 30_000,
    },
  };
}

function observe(ex: Exchange): Observed {
  const contentType = header(ex, 'content-type');
  return { status: ex.response.status, ...(contentType !== undefined ? { contentType } : {}), microversionHeaders: header(ex, 'openstack-api-version') !== undefined, text: ex.response.text };
}

export async function runDifferential(target: DiffTarget, cases: DiffCase[]): Promise<DifferentialReport> {
  registerSecret(target.token);
  const http = new HttpClient({ token: target.token, timeoutMs: target.timeoutMs });
  const other = randomUUID();
  const values: Record<string, string | undefined> = {
    '{project}': target.projectId,
    '{server}': target.serverId,
    '{errorServer}': target.errorServerId,
    '{image}': target.imageId,
    '{other}': other,
  };
  const fill = (text: string): string => text.replace(/\{(?:project|server|errorServer|image|other)\}/g, (p) => values[p] ?? p);
  const url = (base: Base, path: string): string => `${target.root}/${base}${fill(path)}`;
  const collection = (resource: 'server' | 'image'): string =>
    url('v2.1', resource === 'server' ? '/{project}/servers/{server}/metadata' : '/{project}/images/{image}/metadata');

  async function read(resource: 'server' | 'image'): Promise<Metadata> {
    const ex = await http.send('GET', collection(resource));
    const body = json(ex) as { metadata?: Metadata } | undefined;
    if (ex.response.status !== 200 || !body?.metadata) throw new InfrastructureError(`cannot read the ${resource}'s metadata: ${describeExchange(ex)}`);
    return body.metadata;
  }
  /** Sets the resource's metadata (replace-all) and reads it back; answers what went wrong, if anything. */
  async function put(resource: 'server' | 'image', metadata: Metadata): Promise<string | undefined> {
    const ex = await http.send('PUT', collection(resource), { json: { metadata } });
    if (ex.response.status !== 200) return `PUT ${Object.keys(metadata).length} keys answered ${describeExchange(ex)}`;
    const now = await read(resource);
    const same = JSON.stringify(Object.entries(now).sort()) === JSON.stringify(Object.entries(metadata).sort());
    return same ? undefined : `after PUT of ${Object.keys(metadata).length} keys the ${resource} holds ${Object.keys(now).length}`;
  }

  const snapshots: { server: Metadata; image?: Metadata } = { server: await read('server'), ...(target.imageId ? { image: await read('image') } : {}) };
  const results: CaseOutcome[] = [];
  try {
    for (const c of cases) {
      const base = { id: c.id, base: c.base, title: c.title };
      const missing = (['{errorServer}', '{image}'] as const).find((p) => (c.path.includes(p) || c.followUp?.path.includes(p)) && values[p] === undefined);
      const skip = c.skip ?? (missing ? `the target has no ${missing === '{image}' ? 'image' : 'vm_state error server'} configured` : undefined);
      if (skip) {
        results.push({ ...base, outcome: 'skipped', skip, differences: [] });
        continue;
      }
      if ((c.resource === 'server' || c.resource === 'image') && (c.seed || c.reset)) {
        const problem = await put(c.resource, c.seed ?? { ...RESET_METADATA });
        if (problem) {
          // PUT replace-all is itself a Nova behaviour: a target that cannot be brought to the starting state differs
          const d: ClassifiedDifference = { kind: 'setup', nova: `replace-all sets the ${c.resource}'s metadata exactly`, target: redactText(problem) };
          results.push({ ...base, outcome: 'differ', differences: [d] });
          continue;
        }
      }
      const ex = await http.send(c.method, url(c.base, c.path), { headers: { ...c.headers }, ...(c.body !== undefined ? { body: c.body } : {}), allow5xx: true });
      const differences: Difference[] = compareAnswer(c.nova, observe(ex), fill);
      if (c.followUp) {
        const follow = await http.send(c.followUp.method, url(c.base, c.followUp.path), { headers: { Accept: '*/*' }, allow5xx: true });
        differences.push(...compareFollowUp(c, observe(follow)));
      }
      const classified = differences.map((d): ClassifiedDifference => {
        const explained = explain(c, d);
        const pending = explained ? undefined : target.kind === 'reference' ? pendingReason(c.id, c.base) : undefined;
        return { ...d, ...(explained ? { explained } : {}), ...(pending ? { pending } : {}) };
      });
      results.push({ ...base, outcome: classified.length ? 'differ' : 'same', request: { method: c.method, url: redactText(url(c.base, c.path)) }, status: { nova: c.nova.status, target: ex.response.status }, differences: classified });
    }
  } finally {
    const restored = [await put('server', snapshots.server), snapshots.image ? await put('image', snapshots.image) : undefined].filter(Boolean);
    if (restored.length) console.error(`differential: could not restore the metadata found before the run: ${redactText(restored.join('; '))}`);
  }
  const unexplained = (r: CaseOutcome) => r.differences.some((d) => !d.explained && !d.pending);
  const counts = {
    cases: results.length,
    same: results.filter((r) => r.outcome === 'same').length,
    differ: results.filter((r) => r.outcome === 'differ').length,
    skipped: results.filter((r) => r.outcome === 'skipped').length,
    explained: results.filter((r) => r.outcome === 'differ' && r.differences.every((d) => d.explained)).length,
    pending: results.filter((r) => r.differences.some((d) => d.pending)).length,
    unexplained: results.filter(unexplained).length,
  };
  return { target: { label: target.label, kind: target.kind }, counts, results };
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}… (${text.length} characters)` : text;
}

/** One line per difference, then the summary. */
export function formatReport(report: DifferentialReport): string {
  const lines: string[] = [];
  for (const r of report.results) {
    for (const d of r.differences) {
      const tag = d.explained ? `explained: ${d.explained}` : d.pending ? 'PENDING (reference bug)' : 'DIFFERS';
      lines.push(`${r.id} ${r.base} ${d.kind}: Nova ${clip(d.nova)} | target ${clip(d.target)} [${tag}]`);
    }
  }
  const c = report.counts;
  lines.push(
    `${c.cases} cases, ${c.same} same, ${c.differ} differ, ${c.skipped} skipped` +
      ` (of the ${c.differ} differing: ${c.explained} explained only, ${c.pending} pending, ${c.unexplained} unexplained) — ${report.target.label}`,
  );
  return redactText(lines.join('\n'));
}

/** Whether the run found a difference that is neither explained nor (for the reference) pending. */
export function hasUnexplained(report: DifferentialReport): boolean {
  return report.results.some((r) => r.differences.some((d) => !d.explained));
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { EXIT_DIVERGED } from '../../cli/explore.ts';
import { apiBases } from '../../lib/config/endpoint.ts';
import { Explorer, type ExploreResult, type Side } from '../../lib/explore/engine.ts';
import type { Step } from '../../lib/explore/steps.ts';
import { HttpClient } from '../../lib/http/client.ts';
import type { Summary } from '../../lib/results/summary.ts';
import type { Profile } from '../../profiles/index.ts';
import { correctImplementation, type Implementation } from '../../reference/implementation.ts';
import { SEQUENCE_MUTANTS } from '../../reference/mutants/index.ts';
import { startReference } from '../../reference/server.ts';
import type { CliResult, StandaloneReference } from './cli.ts';

/** The seeds every sequence mutant must be caught with, within its stated budget (reference/mutants/sequences.ts). */
export const SEEDS = [1, 2, 3];
export const NAMES = Object.keys(SEQUENCE_MUTANTS);

/** Explores in this process: the target a reference with `implementation`, compared with the reference model. */
export async function exploreInProcess(profile: Profile, implementation: Implementation, seed: number, requests: number, shrinkRequests = 0): Promise<ExploreResult> {
  const side = async (name: string, impl: Implementation, model: boolean) => {
    const ref = await startReference({ profile, implementation: impl });
    const server = ref.store.createServer(ref.projectId, { metadata: { 'created-by': 'metaconform' } });
    let sent = 0;
    const http = new HttpClient({ token: ref.token, timeoutMs: 10_000, onExchange: () => sent++ });
    const s: Side = { name, bases: apiBases({ root: ref.url, projectIdInUrl: undefined }, ref.projectId), serverId: server.id, http, sent: () => sent, ...(model ? { place: (m) => void (server.metadata = new Map(Object.entries(m))) } : {}) };
    return { s, close: () => ref.close() };
  };
  const target = await side('target', implementation, false);
  const model = await side('reference', correctImplementation(profile), true);
  try {
    const settings = { profile, bases: profile.bases, quota: profile.quota.defaultLimit, operations: profile.operations, seed, requests, shrinkRequests, stopping: () => undefined };
    return await new Explorer(settings, target.s, model.s).explore();
  } finally {
    await Promise.all([target.close(), model.close()]);
  }
}

export const summaryOf = (dir: string) => JSON.parse(readFileSync(join(dir, 'explore', 'summary.json'), 'utf8')) as Summary & { explore: { seed: number; requests: number } };
export const exploreDoc = (dir: string) => JSON.parse(readFileSync(join(dir, 'explore', 'explore.json'), 'utf8')) as { seed: number; outcome: string; divergence?: { sequence: Step[]; confirmed: boolean; found: { requests: number } } };

/** The shrunk sequence's checks: a handful of steps, diverging again, in every output. */
export function expectCaught(run: CliResult, name: string): void {
  expect(run.stderr).not.toMatch(/internal error|configuration error/);
  expect(run.code, run.stdout.slice(-3000)).toBe(EXIT_DIVERGED);
  expect(run.stdout).toMatch(/DIVERGENCE in sequence \d+/);
  expect(run.stdout).toMatch(/replay: metaconform explore --seed 1 --requests \d+/);
  const doc = exploreDoc(run.resultsDir);
  expect(doc.divergence!.sequence.length, `${name}: shrunk to a handful of steps`).toBeLessThanOrEqual(5);
  expect(doc.divergence!.confirmed).toBe(true);
  const summary = summaryOf(run.resultsDir);
  expect(summary.behaviours.map((b) => [b.id, b.status])).toEqual([['SM-SEQ-001', 'advisory-failed']]);
  expect(summary.exitCode).toBe(EXIT_DIVERGED);
  expect(summary.warnings[0]).toMatch(/^PARTIAL RUN: explore \(SM-SEQ-001 only\), seed 1, budget \d+ requests/);
  const script = readFileSync(join(run.resultsDir, 'explore', 'replay.sh'), 'utf8');
  expect(script).toContain('"X-Auth-Token: $OS_TOKEN"');
  expect(script.match(/^curl /gm)!.length).toBeGreaterThanOrEqual(doc.divergence!.sequence.length + 1);
}


/** The settings that point explore at a standalone reference. */
export const envOf = (ref: StandaloneReference): Record<string, string> => ({ ...ref.settings, OS_TOKEN: ref.token });

/** A standalone reference server's metadata and tags (its marker), read directly. */
export async function metadataOf(ref: StandaloneReference): Promise<{ metadata: unknown; tags: unknown }> {
  const url = `${ref.settings.METACONFORM_COMPUTE_URL}/${ref.settings.OS_PROJECT_ID}/servers/${ref.settings.METACONFORM_SERVER_ID}`;
  const get = async (path: string, headers: Record<string, string> = {}) => (await (await fetch(`${url}${path}`, { headers: { 'X-Auth-Token': ref.token, ...headers } })).json()) as Record<string, unknown>;
  return { metadata: (await get('/metadata')).metadata, tags: (await get('/tags', { 'OpenStack-API-Version': 'compute 2.26' })).tags };
}

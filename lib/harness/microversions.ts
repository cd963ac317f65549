import { describeExchange, json, type Exchange } from '../http/exchange.ts';
import type { ConformanceContext } from './conformance.ts';

export type Microversion = [number, number];

export interface MicroversionRange {
  min: Microversion;
  max: Microversion;
}

export function parseMicroversion(text: unknown): Microversion | undefined {
  const m = typeof text === 'string' ? /^(\d+)\.(\d+)$/.exec(text.trim()) : null;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export function formatVersion(v: readonly [number, number]): string {
  return `${v[0]}.${v[1]}`;
}

export function atLeast(v: Microversion, min: Microversion): boolean {
  return v[0] - min[0] > 0 || (v[0] === min[0] && v[1] >= min[1]);
}

/** Request headers selecting a compute microversion on /v2.1 ('2.38', 'latest'). */
export function computeVersion(version: string): Record<string, string> {
  return { 'OpenStack-API-Version': `compute ${version}` };
}

/**
 * What a version document (`GET {root}/{api}/`) announces, as written: `version.min_version` and
 * `version.version`, each absent when missing or empty (Nova's /v2 announces empty strings). The one reader of
 * version documents: the tests (announcedMicroversions) and the runner's facts for the certification (cli/discovery.ts).
 */
export function readVersionDocument(ex: Exchange): { minVersion?: string; version?: string } {
  const doc = (json(ex) as { version?: { version?: unknown; min_version?: unknown } } | undefined)?.version;
  const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const minVersion = text(doc?.min_version);
  const version = text(doc?.version);
  return { ...(minVersion ? { minVersion } : {}), ...(version ? { version } : {}) };
}

/**
 * The microversion range the version document of a base announces (`GET {root}/{api}/` →
 * version.min_version/version), read as an arranging step; undefined when the base has no microversions
 * (Nova's /v2 announces empty strings).
 */
export async function announcedMicroversions(ctx: ConformanceContext, api: string = ctx.api): Promise<MicroversionRange | undefined> {
  const ex = await ctx.arrange(`read the version document (GET /${api}/)`, () => ctx.http.send('GET', `${ctx.target.root}/${api}/`));
  if (!ctx.profile.success.read.includes(ex.response.status)) throw new Error(`no version document: ${describeExchange(ex)}`);
  const doc = readVersionDocument(ex);
  const max = parseMicroversion(doc.version);
  const min = parseMicroversion(doc.minVersion);
  return max && min ? { min, max } : undefined;
}

/** The highest microversion the target serves (its /v2.1 version document); undefined when it states none. */
export async function maxMicroversion(ctx: ConformanceContext): Promise<Microversion | undefined> {
  return (await announcedMicroversions(ctx, 'v2.1'))?.max;
}

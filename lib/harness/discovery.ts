import { describeExchange, json } from '../http/exchange.ts';
import type { ConformanceContext } from './conformance.ts';

/**
 * The metadata item limit the target announces for servers (`GET {base}/limits` →
 * `limits.absolute.maxServerMeta`); undefined when absent or unlimited (-1).
 */
export async function serverMetadataLimit(ctx: ConformanceContext): Promise<number | undefined> {
  const ex = await ctx.arrange('read the metadata item limit (GET /limits)', () => ctx.http.send('GET', `${ctx.target.bases[ctx.api]}/limits`));
  if (!ctx.profile.success.read.includes(ex.response.status)) return undefined;
  const limit = (json(ex) as { limits?: { absolute?: { maxServerMeta?: unknown } } } | undefined)?.limits?.absolute?.maxServerMeta;
  return typeof limit === 'number' && Number.isInteger(limit) && limit >= 0 ? limit : undefined;
}

export interface MicroversionRange {
  min: [number, number];
  max: [number, number];
}

function parseVersion(text: unknown): [number, number] | undefined {
  const m = typeof text === 'string' ? /^(\d+)\.(\d+)$/.exec(text) : null;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/**
 * The microversion range the version document of a base announces (`GET {root}/{api}/` →
 * version.min_version/version); undefined when the base has no microversions (Nova's /v2: empty strings).
 */
export async function announcedMicroversions(ctx: ConformanceContext, api: string = ctx.api): Promise<MicroversionRange | undefined> {
  const ex = await ctx.arrange(`read the version document (GET /${api}/)`, () => ctx.http.send('GET', `${ctx.target.root}/${api}/`));
  if (ex.response.status !== 200) throw new Error(`no version document: ${describeExchange(ex)}`);
  const doc = (json(ex) as { version?: { version?: unknown; min_version?: unknown } } | undefined)?.version;
  const max = parseVersion(doc?.version);
  const min = parseVersion(doc?.min_version);
  return max && min ? { min, max } : undefined;
}

export function formatVersion(v: readonly [number, number]): string {
  return `${v[0]}.${v[1]}`;
}

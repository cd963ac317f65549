import { describeExchange, json } from '../http/exchange.ts';
import type { ConformanceContext } from './conformance.ts';

export type Microversion = [number, number];

export function parseMicroversion(text: string): Microversion | undefined {
  const m = /^(\d+)\.(\d+)$/.exec(text.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export function atLeast(v: Microversion, min: Microversion): boolean {
  return v[0] - min[0] > 0 || (v[0] === min[0] && v[1] >= min[1]);
}

/** Request headers selecting a compute microversion on /v2.1 ('2.38', 'latest'). */
export function computeVersion(version: string): Record<string, string> {
  return { 'OpenStack-API-Version': `compute ${version}` };
}

/**
 * The highest microversion the target serves, from its version document (`GET {root}/v2.1/` →
 * `version.version`), read as an arranging step; undefined when the document states none.
 */
export async function maxMicroversion(ctx: ConformanceContext): Promise<Microversion | undefined> {
  return ctx.arrange('read the maximum microversion from GET /v2.1/', async () => {
    const ex = await ctx.http.send('GET', `${ctx.target.root}/v2.1/`);
    if (!ctx.profile.success.read.includes(ex.response.status)) throw new Error(describeExchange(ex));
    const version = (json(ex) as { version?: { version?: unknown } } | undefined)?.version?.version;
    return typeof version === 'string' ? parseMicroversion(version) : undefined;
  });
}

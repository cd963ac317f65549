import { json } from '../http/exchange.ts';
import type { ConformanceContext } from './conformance.ts';

/**
 * An absolute limit from `GET {base}/limits` (`limits.absolute[name]`, e.g. maxServerMeta, maxImageMeta),
 * read as an arranging step; undefined when the target states none, cannot answer, or says -1 (unlimited).
 */
export async function absoluteLimit(ctx: ConformanceContext, name: string): Promise<number | undefined> {
  const ex = await ctx.arrange(`read ${name} (GET /limits)`, () => ctx.http.send('GET', `${ctx.target.bases[ctx.api]}/limits`));
  if (!ctx.profile.success.read.includes(ex.response.status)) return undefined;
  const value = (json(ex) as { limits?: { absolute?: Record<string, unknown> } } | undefined)?.limits?.absolute?.[name];
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
}

/** The metadata item limit the target announces for servers (maxServerMeta). */
export function serverMetadataLimit(ctx: ConformanceContext): Promise<number | undefined> {
  return absoluteLimit(ctx, 'maxServerMeta');
}

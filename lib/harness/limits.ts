import { describeExchange, json } from '../http/exchange.ts';
import type { ConformanceContext } from './conformance.ts';

/**
 * An absolute limit from `GET {base}/limits` (`limits.absolute[name]`, e.g. maxServerMeta, maxImageMeta),
 * read as an arranging step; undefined when the target states none or -1 (unlimited).
 */
export async function absoluteLimit(ctx: ConformanceContext, name: string): Promise<number | undefined> {
  return ctx.arrange(`read ${name} from GET /limits`, async () => {
    const ex = await ctx.http.send('GET', `${ctx.target.bases[ctx.api]}/limits`);
    if (!ctx.profile.success.read.includes(ex.response.status)) throw new Error(describeExchange(ex));
    const value = (json(ex) as { limits?: { absolute?: Record<string, unknown> } } | undefined)?.limits?.absolute?.[name];
    return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : undefined;
  });
}

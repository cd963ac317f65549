import { expect } from 'vitest';
import { conformance, type ConformanceContext } from '../../lib/harness/conformance.ts';
import { expectCollection, expectFault, expectItem, expectSameMap } from '../../lib/harness/expect.ts';
import { imageClient, seedImage } from '../../lib/harness/image.ts';
import { absoluteLimit } from '../../lib/harness/discovery.ts';
import type { Exchange } from '../../lib/http/exchange.ts';

/** `n` properties k000, k001, … */
function properties(n: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${String(i).padStart(3, '0')}`, 'v']));
}

function expectQuotaFault(ctx: ConformanceContext, ex: Exchange): void {
  const { name } = expectFault(ex, ctx.profile.quota.status);
  expect(name, 'quota fault name').toBe(ctx.profile.quota.fault);
}

conformance('IM-QUOTA-001', 'exactly maxImageMeta image properties are accepted; a PUT, POST or PUT item going beyond is refused with the quota status', async (ctx) => {
  const image = imageClient(ctx, ['replaceAll', 'list']);
  const limit = await absoluteLimit(ctx, 'maxImageMeta');
  if (limit === undefined) return ctx.notApplicable('the target states no maxImageMeta limit in GET /limits (absent or -1)');
  await seedImage(ctx, {}, image);
  const atLimit = properties(limit);
  await ctx.step(`PUT ${limit} properties (the limit)`, async () => {
    expectCollection(await image.replaceAll(atLimit), ctx.profile.success.write);
  });
  await ctx.step(`PUT ${limit + 1} properties`, async () => {
    expectQuotaFault(ctx, await image.replaceAll(properties(limit + 1)));
  });
  expectSameMap(expectCollection(await image.list(), ctx.profile.success.read), atLimit, 'image properties after the refused PUT');
  // POST and PUT item count the resulting property set
  const { merge, setItem } = ctx.profile.imageOperations;
  if (merge) {
    await ctx.step('at the limit, POST one more property', async () => {
      expectQuotaFault(ctx, await image.merge({ extra: 'v' }));
    });
  }
  if (setItem) {
    await ctx.step('at the limit, PUT item one more property', async () => {
      expectQuotaFault(ctx, await image.setItem('extra', 'v'));
    });
    if (limit > 0) {
      await ctx.step('at the limit, PUT item overwriting k000', async () => {
        expect(expectItem(await image.setItem('k000', 'w'), ctx.profile.success.write)).toEqual(['k000', 'w']);
      });
    }
  }
  const expected = setItem && limit > 0 ? { ...atLimit, k000: 'w' } : atLimit;
  expectSameMap(expectCollection(await image.list(), ctx.profile.success.read), expected, 'image properties at the end');
}, { uses: ['image'] });

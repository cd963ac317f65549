import { expect } from 'vitest';
import { conformance, type ConformanceContext } from '../../lib/harness/conformance.ts';
import { absoluteLimit } from '../../lib/harness/discovery.ts';
import { expectState } from '../../lib/harness/fixtures.ts';
import { answerOf, expectError } from '../../lib/harness/refusals.ts';
import { expectAccepted, writers } from '../../lib/harness/writers.ts';
import { imageClient, seedImage } from '../../lib/harness/image.ts';
import type { Exchange } from '../../lib/http/exchange.ts';

/** `n` properties k000, k001, … */
function properties(n: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${String(i).padStart(3, '0')}`, 'v']));
}

function expectQuotaFault(ctx: ConformanceContext, ex: Exchange): void {
  const { name } = expectError(ctx, ex, ctx.profile.quota.status);
  expect(name, 'quota fault name').toBe(ctx.profile.quota.fault);
}

conformance('IM-QUOTA-001', { title: 'exactly maxImageMeta image properties are accepted; a PUT, POST or PUT item going beyond is refused with the quota status', uses: ['image'] }, async (ctx) => {
  const image = imageClient(ctx);
  const ws = writers(ctx, image);
  if (!ws.length) ctx.notApplicable('the target serves no image write the profile documents');
  const limit = await absoluteLimit(ctx, 'maxImageMeta');
  if (limit === undefined) return ctx.notApplicable('the target states no maxImageMeta limit in GET /limits (absent or -1)');
  if (limit < 1) return ctx.notApplicable(`maxImageMeta is ${limit}: no write can be accepted`);
  const atLimit = properties(limit);
  for (const w of ws) {
    const below = properties(limit - 1);
    await seedImage(ctx, below, image);
    await ctx.step(`${w.label} of the ${limit}-th property is accepted`, async () => expectAccepted(ctx, await w.send(`k${String(limit - 1).padStart(3, '0')}`, 'v', below), `${w.label} reaching the limit`));
    await expectState(ctx, atLimit, `image properties at the limit after ${w.label}`, image);
    await ctx.step(`at the limit, ${w.label} of one more property is refused`, async () => expectQuotaFault(ctx, await answerOf(() => w.send('extra', 'v', atLimit))));
  }
  const setItem = ws.find((w) => w.op === 'setItem');
  if (setItem) {
    await ctx.step('at the limit, PUT item overwriting k000 is accepted', async () => expectAccepted(ctx, await setItem.send('k000', 'w', atLimit), 'PUT item overwriting at the limit'));
    await expectState(ctx, { ...atLimit, k000: 'w' }, 'image properties at the end', image);
  }
});

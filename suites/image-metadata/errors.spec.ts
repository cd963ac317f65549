import { conformance } from '../../lib/harness/conformance.ts';
import { seed } from '../../lib/harness/fixtures.ts';
import { answerOf } from '../../lib/harness/refusals.ts';
import { imageClient } from '../../lib/harness/image.ts';
import { describeExchange } from '../../lib/http/exchange.ts';

/**
 * Informational: a value Glance refuses (a 4-byte UTF-8 character where its database cannot hold one) surfaces
 * through Nova's proxy as 500 computeFault, or is stored; what the target does is recorded.
 */
conformance('IM-ERR-001', { title: 'a property Glance may refuse (a four-byte character): what the proxy answers (observed)', requires: ['setItem'], on: 'images', uses: ['image'] }, async (ctx) => {
  const image = imageClient(ctx);
  await seed(ctx, { a: '1' }, image);
  const ex = await answerOf(() => image.setItem('emoji', '😀'));
  await ctx.step(`observed: ${describeExchange(ex)}`, async () => {});
});

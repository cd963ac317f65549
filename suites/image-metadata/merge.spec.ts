import { conformance } from '../../lib/harness/conformance.ts';
import { expectCollection, expectSameMap } from '../../lib/harness/expect.ts';
import { seed } from '../../lib/harness/fixtures.ts';
import { imageClient } from '../../lib/harness/image.ts';

const SEEDED = { a: '1', b: '2' };
const REQUEST = { b: '22', d: '4' };
const MERGED = { a: '1', b: '22', d: '4' };

conformance('IM-MERGE-001', 'POST on the image collection answers the resulting property set', async (ctx) => {
  const image = imageClient(ctx, ['merge', 'replaceAll']);
  await seed(ctx, SEEDED, image);
  expectSameMap(expectCollection(await image.merge(REQUEST), ctx.profile.success.write), MERGED, 'merge response');
});

conformance('IM-MERGE-001', 'POST on the image collection keeps the other properties, request values win', async (ctx) => {
  const image = imageClient(ctx, ['merge', 'replaceAll', 'list']);
  await seed(ctx, SEEDED, image);
  await ctx.step('POST the request map', () => image.merge(REQUEST));
  expectSameMap(expectCollection(await image.list(), ctx.profile.success.read), MERGED, 'image properties after merge');
});

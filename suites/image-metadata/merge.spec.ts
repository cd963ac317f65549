import { conformance } from '../../lib/harness/conformance.ts';
import { expectCollection, expectSameMap } from '../../lib/harness/expect.ts';
import { imageClient, seedImage } from '../../lib/harness/image.ts';

conformance('IM-MERGE-001', 'POST on the image collection keeps the other properties, request values win, and answers the resulting set', async (ctx) => {
  const image = imageClient(ctx, ['merge', 'replaceAll', 'list']);
  await seedImage(ctx, { a: '1', b: '2' }, image);
  const merged = { a: '1', b: '22', d: '4' };
  await ctx.step('POST {b: 22, d: 4}', async () => {
    expectSameMap(expectCollection(await image.merge({ b: '22', d: '4' }), ctx.profile.success.write), merged, 'merge response');
  });
  expectSameMap(expectCollection(await image.list(), ctx.profile.success.read), merged, 'image properties after merge');
}, { uses: ['image'] });

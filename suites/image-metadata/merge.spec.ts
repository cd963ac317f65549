import { conformance } from '../../lib/harness/conformance.ts';
import { expectSameMap } from '../../lib/harness/expect.ts';
import { expectState } from '../../lib/harness/fixtures.ts';
import { imageClient, seedImage } from '../../lib/harness/image.ts';

conformance('IM-MERGE-001', { title: 'POST on the image collection keeps the other properties, request values win, and answers the resulting set', requires: ['merge'], on: 'images', uses: ['image'] }, async (ctx) => {
  const image = imageClient(ctx);
  await seedImage(ctx, { a: '1', b: '2' }, image);
  const merged = { a: '1', b: '22', d: '4' };
  await ctx.step('POST {b: 22, d: 4}', async () => expectSameMap(await ctx.checked(image).merge({ b: '22', d: '4' }), merged, 'merge response'));
  await expectState(ctx, merged, 'image properties after merge', image);
});

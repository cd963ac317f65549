import { conformance } from '../../lib/harness/conformance.ts';
import { expectCollection, expectEmptyBody, expectFault, expectSameMap, expectStatus } from '../../lib/harness/expect.ts';
import { imageClient, seedImage } from '../../lib/harness/image.ts';

conformance('IM-DEL-001', 'DELETE on an image item answers 204 with an empty body and removes it; a key the image does not have is 404', async (ctx) => {
  const image = imageClient(ctx, ['deleteItem', 'replaceAll', 'list']);
  await seedImage(ctx, { gone: '1', stays: '2' }, image);
  await ctx.step('DELETE gone', async () => {
    const ex = await image.deleteItem('gone');
    expectStatus(ex, ctx.profile.success.delete);
    expectEmptyBody(ex);
  });
  expectSameMap(expectCollection(await image.list(), ctx.profile.success.read), { stays: '2' }, 'image properties after delete');
  await ctx.step('DELETE absent', async () => {
    expectFault(await image.deleteItem('absent'), 404);
  });
}, { uses: ['image'] });

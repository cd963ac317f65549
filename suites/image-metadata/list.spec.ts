import { conformance } from '../../lib/harness/conformance.ts';
import { expectCollection, expectFault, expectSameMap } from '../../lib/harness/expect.ts';
import { unknownId } from '../../lib/harness/fixtures.ts';
import { callImage, documentedImageOperations, imageClient, seedImage } from '../../lib/harness/image.ts';

conformance('IM-LIST-001', 'GET on the image collection answers {"metadata": …} with exactly its properties', async (ctx) => {
  const image = imageClient(ctx, ['list', 'replaceAll']);
  const properties = { alpha: '1', beta: 'two words' };
  await seedImage(ctx, properties, image);
  expectSameMap(expectCollection(await image.list(), ctx.profile.success.read), properties, 'image properties listed');
}, { uses: ['image'] });

conformance('IM-LIST-002', 'every image operation on an unknown image answers 404 itemNotFound', async (ctx) => {
  const unknown = imageClient(ctx, []).with({ id: unknownId() });
  const operations = documentedImageOperations(ctx);
  if (!operations.length) ctx.notApplicable(`profile '${ctx.profile.name}' documents no image operation`);
  for (const op of operations) {
    await ctx.step(`${op} on an unknown image`, async () => {
      expectFault(await callImage(unknown, op), 404);
    });
  }
}, { uses: ['image'] });

import { conformance } from '../../lib/harness/conformance.ts';
import { expectSameMap } from '../../lib/harness/expect.ts';
import { unknownId } from '../../lib/harness/fixtures.ts';
import { answerOf, expectError } from '../../lib/harness/refusals.ts';
import { writers } from '../../lib/harness/writers.ts';
import { callImage, imageClient, seedImage, servedImageOperations } from '../../lib/harness/image.ts';

conformance('IM-LIST-001', { title: 'GET on the image collection answers {"metadata": …} with exactly its properties', requires: ['list'], on: 'images', uses: ['image'] }, async (ctx) => {
  const image = imageClient(ctx);
  if (!writers(ctx, image).length) {
    // nothing can be arranged: the answer's status and shape are judged, its content cannot be compared
    await ctx.checked(image).list();
    return;
  }
  const properties = { alpha: '1', beta: 'two words' };
  await seedImage(ctx, properties, image);
  expectSameMap(await ctx.checked(image).list(), properties, 'image properties listed');
});

conformance('IM-LIST-002', { title: 'every image operation on an unknown image answers 404 itemNotFound', uses: ['image'] }, async (ctx) => {
  const image = imageClient(ctx);
  const unknown = image.with({ id: unknownId() });
  const operations = servedImageOperations(ctx, image);
  if (!operations.length) ctx.notApplicable(`the target serves no image operation the profile '${ctx.profile.name}' documents`);
  for (const op of operations) {
    await ctx.step(`${op} on an unknown image`, async () => void expectError(ctx, await answerOf(() => callImage(unknown, op)), 404));
  }
});

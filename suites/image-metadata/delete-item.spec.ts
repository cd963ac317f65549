import { conformance } from '../../lib/harness/conformance.ts';
import { expectState } from '../../lib/harness/fixtures.ts';
import { expectError } from '../../lib/harness/refusals.ts';
import { imageClient, seedImage } from '../../lib/harness/image.ts';

conformance('IM-DEL-001', { title: 'DELETE on an image item answers 204 with an empty body and removes it; a key the image does not have is 404', requires: ['deleteItem'], on: 'images', uses: ['image'] }, async (ctx) => {
  const image = imageClient(ctx);
  await seedImage(ctx, { gone: '1', stays: '2' }, image);
  await ctx.step('DELETE gone', () => ctx.checked(image).deleteItem('gone'));
  await expectState(ctx, { stays: '2' }, 'image properties after delete', image, ['gone']);
  await ctx.step('DELETE absent', async () => void expectError(ctx, await image.deleteItem('absent'), 404));
});

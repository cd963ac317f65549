import { expect } from 'vitest';
import { conformance } from '../../lib/harness/conformance.ts';
import { expectError } from '../../lib/harness/refusals.ts';
import { imageClient, seedImage } from '../../lib/harness/image.ts';

conformance('IM-SHOW-001', { title: 'GET on an image item answers {"meta": {key: value}}; a key the image does not have is 404', requires: ['show'], on: 'images', uses: ['image'] }, async (ctx) => {
  const image = imageClient(ctx);
  await seedImage(ctx, { wanted: 'yes', other: 'no' }, image);
  await ctx.step('GET item wanted', async () => expect(await ctx.checked(image).show('wanted'), 'item shown').toEqual(['wanted', 'yes']));
  await ctx.step('GET item absent', async () => void expectError(ctx, await image.show('absent'), 404));
});

import { expect } from 'vitest';
import { conformance } from '../../lib/harness/conformance.ts';
import { expectFault, expectItem } from '../../lib/harness/expect.ts';
import { imageClient, seedImage } from '../../lib/harness/image.ts';

conformance('IM-SHOW-001', 'GET on an image item answers {"meta": {key: value}}; a key the image does not have is 404', async (ctx) => {
  const image = imageClient(ctx, ['show', 'replaceAll']);
  await seedImage(ctx, { wanted: 'yes', other: 'no' }, image);
  await ctx.step('GET item wanted', async () => {
    expect(expectItem(await image.show('wanted'), ctx.profile.success.read), 'item shown').toEqual(['wanted', 'yes']);
  });
  await ctx.step('GET item absent', async () => {
    expectFault(await image.show('absent'), 404);
  });
}, { uses: ['image'] });

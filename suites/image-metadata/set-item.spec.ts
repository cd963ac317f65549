import { expect } from 'vitest';
import { conformance } from '../../lib/harness/conformance.ts';
import { expectCollection, expectFault, expectItem, expectSameMap } from '../../lib/harness/expect.ts';
import { unknownId } from '../../lib/harness/fixtures.ts';
import { imageClient, seedImage } from '../../lib/harness/image.ts';

conformance('IM-SET-001', 'PUT on an image item creates or overwrites that property, answers {"meta": …} as sent and keeps the others', async (ctx) => {
  const image = imageClient(ctx, ['setItem', 'replaceAll', 'list']);
  await seedImage(ctx, { existing: 'old', other: 'same' }, image);
  await ctx.step('PUT item fresh (a new key)', async () => {
    expect(expectItem(await image.setItem('fresh', '5'), ctx.profile.success.write), 'new key echoed').toEqual(['fresh', '5']);
  });
  await ctx.step('PUT item existing (an existing key)', async () => {
    expect(expectItem(await image.setItem('existing', 'new'), ctx.profile.success.write), 'existing key echoed').toEqual(['existing', 'new']);
  });
  expectSameMap(expectCollection(await image.list(), ctx.profile.success.read), { existing: 'new', other: 'same', fresh: '5' }, 'image properties after set item');
}, { uses: ['image'] });

conformance('IM-SET-002', 'PUT on an image item whose body key differs from the URL key answers 400, also for an unknown image, and changes nothing', async (ctx) => {
  const image = imageClient(ctx, ['setItem', 'replaceAll', 'list']);
  await seedImage(ctx, { e: '1' }, image);
  await ctx.step('PUT item e with body key f', async () => {
    expectFault(await image.raw('PUT', 'e', { json: { meta: { f: '6' } } }), 400);
  });
  expectSameMap(expectCollection(await image.list(), ctx.profile.success.read), { e: '1' }, 'image properties after the refused PUT');
  await ctx.step('the same on an unknown image: the mismatch is checked before the image lookup', async () => {
    expectFault(await image.with({ id: unknownId() }).raw('PUT', 'e', { json: { meta: { f: '6' } } }), 400);
  });
}, { uses: ['image'] });

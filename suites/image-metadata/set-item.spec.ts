import { expect } from 'vitest';
import { conformance } from '../../lib/harness/conformance.ts';
import { expectCollection, expectFault, expectItem, expectSameMap } from '../../lib/harness/expect.ts';
import { seed, unknownId } from '../../lib/harness/fixtures.ts';
import { imageClient } from '../../lib/harness/image.ts';

conformance('IM-SET-001', 'PUT on an image item answers {"meta": …} as sent, for a new and an existing key', async (ctx) => {
  const image = imageClient(ctx, ['setItem', 'replaceAll']);
  await seed(ctx, { existing: 'old' }, image);
  expect(expectItem(await image.setItem('fresh', '5'), ctx.profile.success.write), 'new key echoed').toEqual(['fresh', '5']);
  expect(expectItem(await image.setItem('existing', 'new'), ctx.profile.success.write), 'existing key echoed').toEqual(['existing', 'new']);
});

conformance('IM-SET-001', 'PUT on an image item creates or overwrites that property and keeps the others', async (ctx) => {
  const image = imageClient(ctx, ['setItem', 'replaceAll', 'list']);
  await seed(ctx, { existing: 'old', other: 'same' }, image);
  await ctx.step('PUT item fresh', () => image.setItem('fresh', '5'));
  await ctx.step('PUT item existing', () => image.setItem('existing', 'new'));
  expectSameMap(expectCollection(await image.list(), ctx.profile.success.read), { existing: 'new', other: 'same', fresh: '5' }, 'image properties after set item');
});

conformance('IM-SET-002', 'PUT on an image item whose body key differs from the URL key answers 400 and changes nothing', async (ctx) => {
  const image = imageClient(ctx, ['setItem', 'replaceAll', 'list']);
  await seed(ctx, { e: '1' }, image);
  expectFault(await image.raw('PUT', 'e', { json: { meta: { f: '6' } } }), 400);
  expectSameMap(expectCollection(await image.list(), ctx.profile.success.read), { e: '1' }, 'image properties after the refused PUT');
});

conformance('IM-SET-002', 'the URI/body mismatch is checked before the image lookup: unknown image + mismatch → 400', async (ctx) => {
  const unknown = imageClient(ctx, ['setItem']).with({ id: unknownId() });
  expectFault(await unknown.raw('PUT', 'e', { json: { meta: { f: '6' } } }), 400);
});

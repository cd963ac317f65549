import { expect } from 'vitest';
import { conformance } from '../../lib/harness/conformance.ts';
import { expectState, unknownId } from '../../lib/harness/fixtures.ts';
import { answerOf, expectError } from '../../lib/harness/refusals.ts';
import { imageClient, seedImage } from '../../lib/harness/image.ts';

conformance('IM-SET-001', { title: 'PUT on an image item creates or overwrites that property, answers {"meta": …} as sent and keeps the others', requires: ['setItem'], on: 'images', uses: ['image'] }, async (ctx) => {
  const image = imageClient(ctx);
  await seedImage(ctx, { existing: 'old', other: 'same' }, image);
  await ctx.step('PUT item fresh (a new key)', async () => expect(await ctx.checked(image).setItem('fresh', '5'), 'new key echoed').toEqual(['fresh', '5']));
  await ctx.step('PUT item existing (an existing key)', async () => expect(await ctx.checked(image).setItem('existing', 'new'), 'existing key echoed').toEqual(['existing', 'new']));
  await expectState(ctx, { existing: 'new', other: 'same', fresh: '5' }, 'image properties after set item', image);
});

conformance('IM-SET-002', { title: 'PUT on an image item whose body key differs from the URL key answers 400, also for an unknown image, and changes nothing', requires: ['setItem'], on: 'images', uses: ['image'] }, async (ctx) => {
  const image = imageClient(ctx);
  await seedImage(ctx, { e: '1' }, image);
  await ctx.step('PUT item e with body key f', async () => void expectError(ctx, await answerOf(() => image.raw('PUT', 'e', { json: { meta: { f: '6' } } })), 400));
  await expectState(ctx, { e: '1' }, 'image properties after the refused PUT', image);
  await ctx.step('the same on an unknown image: the mismatch is checked before the image lookup', async () => {
    expectError(ctx, await answerOf(() => image.with({ id: unknownId() }).raw('PUT', 'e', { json: { meta: { f: '6' } } })), 400);
  });
});

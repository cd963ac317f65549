import { expect } from 'vitest';
import { conformance } from '../../lib/harness/conformance.ts';
import { expectFault, expectItem } from '../../lib/harness/expect.ts';
import { seed } from '../../lib/harness/fixtures.ts';
import { imageClient } from '../../lib/harness/image.ts';

conformance('IM-SHOW-001', 'GET on an image item answers {"meta": {key: value}} for that key', async (ctx) => {
  const image = imageClient(ctx, ['show', 'replaceAll']);
  await seed(ctx, { wanted: 'yes', other: 'no' }, image);
  expect(expectItem(await image.show('wanted'), ctx.profile.success.read), 'item shown').toEqual(['wanted', 'yes']);
});

conformance('IM-SHOW-001', 'GET on an image item the image does not have answers 404 itemNotFound', async (ctx) => {
  const image = imageClient(ctx, ['show', 'replaceAll']);
  await seed(ctx, { present: '1' }, image);
  expectFault(await image.show('absent'), 404);
});

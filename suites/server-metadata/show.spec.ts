import { expect } from 'vitest';
import { conformance } from '../../lib/harness/conformance.ts';
import { expectFault, expectItem } from '../../lib/harness/expect.ts';
import { seed } from '../../lib/harness/fixtures.ts';

conformance('SM-SHOW-001', 'show returns exactly the requested key', async (ctx) => {
  await seed(ctx, { first: '1', second: 'two', third: '3' });
  const [key, value] = expectItem(await ctx.server.show('second'), ctx.profile.success.read);
  expect([key, value]).toEqual(['second', 'two']);
}, { requires: ['show', 'replaceAll'] });

conformance('SM-SHOW-002', 'show of an absent key is 404 itemNotFound', async (ctx) => {
  await seed(ctx, { present: 'yes' });
  expectFault(await ctx.server.show('absent'), 404);
}, { requires: ['show', 'replaceAll'] });

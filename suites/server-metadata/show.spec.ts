import { expect } from 'vitest';
import { conformance } from '../../lib/harness/conformance.ts';
import { seed } from '../../lib/harness/fixtures.ts';
import { expectError } from '../../lib/harness/refusals.ts';

conformance('SM-SHOW-001', { title: 'show returns exactly the requested key', requires: ['show'] }, async (ctx) => {
  await seed(ctx, { first: '1', second: 'two', third: '3' });
  expect(await ctx.ok.show('second')).toEqual(['second', 'two']);
});

conformance('SM-SHOW-002', { title: 'show of an absent key is 404 itemNotFound', requires: ['show'] }, async (ctx) => {
  await seed(ctx, { present: 'yes' });
  expectError(ctx, await ctx.server.show('absent'), 404);
});

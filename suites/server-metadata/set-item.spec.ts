import { expect } from 'vitest';
import { conformance } from '../../lib/harness/conformance.ts';
import { expectState, seed, seedOrObserve } from '../../lib/harness/fixtures.ts';

conformance('SM-SET-001', { title: 'PUT item creates or replaces one key and keeps the others', requires: ['setItem'] }, async (ctx) => {
  // the rule holds from any starting state: when this one cannot be arranged, the test starts from what is stored
  const start = await seedOrObserve(ctx, { a: '1', b: '2' });
  await ctx.step('PUT item c (new)', () => ctx.server.setItem('c', '3'));
  await expectState(ctx, { ...start, c: '3' }, 'metadata after creating c');
  await ctx.step('PUT item a (existing)', () => ctx.server.setItem('a', 'eleven'));
  await expectState(ctx, { ...start, a: 'eleven', c: '3' }, 'metadata after replacing a');
});

conformance('SM-SET-002', { title: 'PUT item answers the request item', requires: ['setItem'] }, async (ctx) => {
  await seed(ctx, { other: 'x' });
  expect(await ctx.ok.setItem('item-key', 'Bar Value')).toEqual(['item-key', 'Bar Value']);
});

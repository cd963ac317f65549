import { expect } from 'vitest';
import { conformance } from '../../lib/harness/conformance.ts';
import { expectCollection, expectItem, expectSameMap } from '../../lib/harness/expect.ts';
import { seed } from '../../lib/harness/fixtures.ts';

conformance('SM-SET-001', 'PUT item creates or replaces one key and keeps the others', async (ctx) => {
  await seed(ctx, { a: '1', b: '2' });
  await ctx.step('PUT item c (new)', () => ctx.server.setItem('c', '3'));
  expectSameMap(expectCollection(await ctx.server.list(), ctx.profile.success.read), { a: '1', b: '2', c: '3' }, 'metadata after creating c');
  await ctx.step('PUT item a (existing)', () => ctx.server.setItem('a', 'eleven'));
  expectSameMap(expectCollection(await ctx.server.list(), ctx.profile.success.read), { a: 'eleven', b: '2', c: '3' }, 'metadata after replacing a');
}, { requires: ['setItem', 'list', 'replaceAll'] });

conformance('SM-SET-002', 'PUT item answers the request item', async (ctx) => {
  await seed(ctx, { other: 'x' });
  const [key, value] = expectItem(await ctx.server.setItem('item-key', 'Bar Value'), ctx.profile.success.write);
  expect([key, value]).toEqual(['item-key', 'Bar Value']);
}, { requires: ['setItem', 'replaceAll'] });

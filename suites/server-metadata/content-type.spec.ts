import { expect } from 'vitest';
import { conformance, type ConformanceContext } from '../../lib/harness/conformance.ts';
import { expectCollection, expectFault, expectItem, expectSameMap } from '../../lib/harness/expect.ts';
import { currentMetadata, expectRefused, seed } from '../../lib/harness/fixtures.ts';

const XML = { 'Content-Type': 'application/xml' };

conformance('SM-BODY-001', 'application/xml is 415 badMediaType on every method; JSON as text/plain, with charset or untyped is processed', async (ctx) => {
  const ops = ctx.profile.operations;
  const before = { a: '1' };
  await seed(ctx, before);
  const json = (value: unknown) => JSON.stringify(value);
  if (ops.merge) await expectRefused(ctx, await ctx.server.raw('POST', undefined, { body: json({ metadata: { b: '2' } }), headers: XML }), 415, before);
  await expectRefused(ctx, await ctx.server.raw('PUT', undefined, { body: json({ metadata: { b: '2' } }), headers: XML }), 415, before);
  if (ops.setItem) await expectRefused(ctx, await ctx.server.raw('PUT', 'b', { body: json({ meta: { b: '2' } }), headers: XML }), 415, before);
  if (ops.list) expectFault(await ctx.server.raw('GET', undefined, { headers: XML }), 415);
  if (ops.show) expectFault(await ctx.server.raw('GET', 'a', { headers: XML }), 415);
  if (ops.deleteItem) await expectRefused(ctx, await ctx.server.raw('DELETE', 'a', { headers: XML }), 415, before);
  await acceptedTypes(ctx);
}, { requires: ['list', 'replaceAll'] });

/** A JSON body with Content-Type text/plain, with a charset parameter or without Content-Type is processed normally. */
async function acceptedTypes(ctx: ConformanceContext): Promise<void> {
  const ops = ctx.profile.operations;
  await seed(ctx, { a: '1' });
  const expected: Record<string, string> = { a: '1' };
  if (ops.merge) {
    await ctx.step('POST with Content-Type: text/plain', async () => {
      expectCollection(await ctx.server.raw('POST', undefined, { body: JSON.stringify({ metadata: { plain: 'text' } }), headers: { 'Content-Type': 'text/plain' } }), ctx.profile.success.write);
      expected['plain'] = 'text';
    });
  }
  if (ops.setItem) {
    await ctx.step('PUT item without Content-Type', async () => {
      expect(expectItem(await ctx.server.raw('PUT', 'none', { body: JSON.stringify({ meta: { none: 'no type' } }) }), ctx.profile.success.write)).toEqual(['none', 'no type']);
      expected['none'] = 'no type';
    });
  }
  expectSameMap(await currentMetadata(ctx), expected, 'metadata after writes with text/plain and without Content-Type');
  await ctx.step('PUT collection with Content-Type: application/json; charset=UTF-8', async () => {
    const body = JSON.stringify({ metadata: { charset: 'utf-8' } });
    expectCollection(await ctx.server.raw('PUT', undefined, { body, headers: { 'Content-Type': 'application/json; charset=UTF-8' } }), ctx.profile.success.write);
  });
  expectSameMap(await currentMetadata(ctx), { charset: 'utf-8' }, 'metadata after PUT with a charset parameter');
}

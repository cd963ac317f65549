import { expect } from 'vitest';
import { conformance } from '../../lib/harness/conformance.ts';
import { expectCollection, expectEmptyBody, expectItem, expectSameMap, expectStatus } from '../../lib/harness/expect.ts';
import { currentMetadata, expectAllRefused, expectRefusedCases, seed, type RefusedCase } from '../../lib/harness/fixtures.ts';

conformance('SM-ENV-001', 'collections use the "metadata" envelope and items the "meta" envelope, both ways', async (ctx) => {
  const ops = ctx.profile.operations;
  await seed(ctx, { a: '1' });
  if (ops.list) expectSameMap(expectCollection(await ctx.server.list(), ctx.profile.success.read), { a: '1' }, 'GET collection → {"metadata": …}');
  if (ops.show) expect(expectItem(await ctx.server.show('a'), ctx.profile.success.read), 'GET item → {"meta": …}').toEqual(['a', '1']);
  expectSameMap(expectCollection(await ctx.server.replaceAll({ b: '2' }), ctx.profile.success.write), { b: '2' }, 'PUT {"metadata": …} → {"metadata": …}');
  if (ops.merge) expectSameMap(expectCollection(await ctx.server.merge({ c: '3' }), ctx.profile.success.write), { b: '2', c: '3' }, 'POST {"metadata": …} → {"metadata": …}');
  if (ops.setItem) expect(expectItem(await ctx.server.setItem('d', '4'), ctx.profile.success.write), 'PUT item {"meta": …} → {"meta": …}').toEqual(['d', '4']);
  if (ops.deleteItem) {
    const deleted = await ctx.server.deleteItem('b');
    expectStatus(deleted, ctx.profile.success.delete);
    expectEmptyBody(deleted);
  }
}, { requires: ['replaceAll'] });

const NOT_OBJECTS: readonly unknown[] = [null, [], ['x'], 'x', 1];

conformance('SM-BODY-005', 'a wrong, missing or non-object envelope is 400 and changes nothing', async (ctx) => {
  const ops = ctx.profile.operations;
  const before = { a: '1' };
  await seed(ctx, before);
  const collectionBodies: unknown[] = [{ meta: { k: 'v' } }, {}, ...NOT_OBJECTS.map((inner) => ({ metadata: inner }))];
  const itemBodies: unknown[] = [{ metadata: { k: 'v' } }, {}, ...NOT_OBJECTS.map((inner) => ({ meta: inner }))];
  const cases: RefusedCase[] = collectionBodies.map((body) => ({
    step: `collection body ${JSON.stringify(body)}`,
    writes: [
      ...(ops.replaceAll ? [() => ctx.server.raw('PUT', undefined, { json: body })] : []),
      ...(ops.merge ? [() => ctx.server.raw('POST', undefined, { json: body })] : []),
    ],
  }));
  if (ops.setItem) cases.push(...itemBodies.map((body) => ({ step: `item body ${JSON.stringify(body)}`, writes: [() => ctx.server.raw('PUT', 'k', { json: body })] })));
  await expectRefusedCases(ctx, 400, before, cases);
}, { requires: ['list', 'replaceAll'] });

conformance('SM-BODY-006', 'an extra top-level member is 400 on /v2.1 and ignored on /v2', async (ctx) => {
  const ops = ctx.profile.operations;
  const before = { a: '1' };
  await seed(ctx, before);
  if (ctx.api === 'v2.1') {
    await expectAllRefused(ctx, 400, before, [
      ...(ops.merge ? [() => ctx.server.raw('POST', undefined, { json: { metadata: { b: '2' }, extra: 1 } })] : []),
      ...(ops.merge ? [() => ctx.server.raw('POST', undefined, { json: { metadata: { b: '2' }, meta: { c: '3' } } })] : []),
      () => ctx.server.raw('PUT', undefined, { json: { metadata: { b: '2' }, extra: 'x' } }),
      ...(ops.setItem ? [() => ctx.server.raw('PUT', 'b', { json: { meta: { b: '2' }, extra: { c: '3' } } })] : []),
    ]);
    return;
  }
  const expected: Record<string, string> = { ...before };
  if (ops.merge) {
    await ctx.step('POST with an extra member', async () => {
      expectCollection(await ctx.server.raw('POST', undefined, { json: { metadata: { b: '2' }, extra: 1, meta: { c: '3' } } }), ctx.profile.success.write);
      expected['b'] = '2';
      expectSameMap(await currentMetadata(ctx), expected, 'metadata after POST: the request map is merged, the extra members are not stored');
    });
  }
  if (ops.setItem) {
    await ctx.step('PUT item with an extra member', async () => {
      expect(expectItem(await ctx.server.raw('PUT', 'd', { json: { meta: { d: '4' }, extra: { e: '5' } } }), ctx.profile.success.write)).toEqual(['d', '4']);
      expected['d'] = '4';
      expectSameMap(await currentMetadata(ctx), expected, 'metadata after PUT item: the item is set, the extra member is not stored');
    });
  }
  await ctx.step('PUT collection with an extra member', async () => {
    expectSameMap(expectCollection(await ctx.server.raw('PUT', undefined, { json: { metadata: { f: '6' }, extra: 'x', meta: { g: '7' } } }), ctx.profile.success.write), { f: '6' }, 'PUT response');
    expectSameMap(await currentMetadata(ctx), { f: '6' }, 'metadata after PUT: the request map only');
  });
}, { requires: ['list', 'replaceAll'] });

conformance('SM-SET-004', 'PUT item with zero or two items in "meta" is 400 and changes nothing', async (ctx) => {
  const before = { a: '1' };
  await seed(ctx, before);
  await expectAllRefused(ctx, 400, before, [
    () => ctx.server.raw('PUT', 'k', { json: { meta: {} } }),
    () => ctx.server.raw('PUT', 'k', { json: { meta: { k: 'v', l: 'w' } } }),
    () => ctx.server.raw('PUT', 'a', { json: { meta: { a: 'x', b: 'y' } } }),
  ]);
}, { requires: ['setItem', 'list', 'replaceAll'] });

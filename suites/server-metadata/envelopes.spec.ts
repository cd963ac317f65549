import { expect } from 'vitest';
import { conformance } from '../../lib/harness/conformance.ts';
import { expectStatus, SUCCESS } from '../../lib/harness/expect.ts';
import { expectState, seed } from '../../lib/harness/fixtures.ts';
import { expectRefusedCases, type RefusedCase } from '../../lib/harness/refusals.ts';
import { expectAccepted, writersOrNotApplicable } from '../../lib/harness/writers.ts';
import { describeExchange, json, type Exchange } from '../../lib/http/exchange.ts';

/** The envelopes an answer uses: the names of its top-level members that are objects (the exact shape is SM-LIST-001's and the other operations' rule). */
function envelopeOf(ex: Exchange): string[] {
  const body = json(ex);
  if (body === null || typeof body !== 'object' || Array.isArray(body)) expect.fail(`expected a JSON object, got ${describeExchange(ex)}`);
  return Object.entries(body as Record<string, unknown>).filter(([name, value]) => (name === 'meta' || name === 'metadata') && value !== null && typeof value === 'object').map(([name]) => name);
}

conformance('SM-ENV-001', { title: 'collections use the "metadata" envelope and items the "meta" envelope, both ways' }, async (ctx) => {
  await seed(ctx, { a: '1', d: 'x' });
  const envelope = async (what: string, send: () => Promise<Exchange>, expected: string) => {
    await ctx.step(what, async () => {
      const ex = await send();
      expectStatus(ex, SUCCESS);
      expect(envelopeOf(ex), `${what}: the answer's envelope`).toEqual([expected]);
    });
  };
  if (ctx.serves('list')) await envelope('GET collection → {"metadata": …}', () => ctx.server.list(), 'metadata');
  if (ctx.serves('show')) await envelope('GET item → {"meta": …}', () => ctx.server.show('a'), 'meta');
  if (ctx.serves('replaceAll')) await envelope('PUT {"metadata": …} → {"metadata": …}', () => ctx.server.replaceAll({ a: '1', d: 'x' }), 'metadata');
  if (ctx.serves('merge')) await envelope('POST {"metadata": …} → {"metadata": …}', () => ctx.server.merge({ a: '1', d: 'x', c: '3' }), 'metadata');
  if (ctx.serves('setItem')) await envelope('PUT item {"meta": …} → {"meta": …}', () => ctx.server.setItem('e', '4'), 'meta');
  if (ctx.serves('deleteItem')) {
    await ctx.step('DELETE item answers no body', async () => {
      const ex = await ctx.server.deleteItem('d');
      expectStatus(ex, SUCCESS);
      expect(ex.response.text, 'DELETE body').toBe('');
    });
  }
});

const NOT_OBJECTS: readonly unknown[] = [null, [], ['x'], 'x', 1];

conformance('SM-BODY-005', { title: 'a wrong, missing or non-object envelope is 400 and changes nothing' }, async (ctx) => {
  const ws = writersOrNotApplicable(ctx);
  const before = { a: '1' };
  await seed(ctx, before);
  const bodies = {
    collection: [{ meta: { k: 'v' } }, {}, ...NOT_OBJECTS.map((inner) => ({ metadata: inner }))],
    item: [{ metadata: { k: 'v' } }, {}, ...NOT_OBJECTS.map((inner) => ({ meta: inner }))],
  };
  const cases = ws.map((w): RefusedCase => {
    const [method, key] = w.op === 'merge' ? ['POST', undefined] : w.op === 'replaceAll' ? ['PUT', undefined] : ['PUT', 'k'];
    return { step: `${w.label} with a wrong envelope`, writes: bodies[key === undefined ? 'collection' : 'item'].map((body) => () => ctx.server.raw(method, key, { json: body })) };
  });
  await expectRefusedCases(ctx, 400, before, cases);
});

conformance('SM-BODY-006', { title: 'an extra top-level member is 400 on /v2.1 and ignored on /v2' }, async (ctx) => {
  const ws = writersOrNotApplicable(ctx);
  const before = { a: '1' };
  await seed(ctx, before);
  const serves = (op: string) => ws.some((w) => w.op === op);
  if (ctx.api === 'v2.1') {
    await expectRefusedCases(ctx, 400, before, [
      {
        step: 'bodies with an extra top-level member are refused',
        writes: [
          ...(serves('merge') ? [() => ctx.server.raw('POST', undefined, { json: { metadata: { b: '2' }, extra: 1 } }), () => ctx.server.raw('POST', undefined, { json: { metadata: { b: '2' }, meta: { c: '3' } } })] : []),
          ...(serves('replaceAll') ? [() => ctx.server.raw('PUT', undefined, { json: { metadata: { b: '2' }, extra: 'x' } })] : []),
          ...(serves('setItem') ? [() => ctx.server.raw('PUT', 'b', { json: { meta: { b: '2' }, extra: { c: '3' } } })] : []),
        ],
      },
    ]);
    return;
  }
  let expected: Record<string, string> = { ...before };
  if (serves('merge')) {
    await ctx.step('POST with extra members', async () => expectAccepted(ctx, await ctx.server.raw('POST', undefined, { json: { metadata: { ...expected, b: '2' }, extra: 1, meta: { c: '3' } } }), 'POST with extra members'));
    expected = { ...expected, b: '2' };
    await expectState(ctx, expected, 'metadata after POST: the request map is merged, the extra members are not stored');
  }
  if (serves('setItem')) {
    await ctx.step('PUT item with an extra member', async () => expectAccepted(ctx, await ctx.server.raw('PUT', 'd', { json: { meta: { d: '4' }, extra: { e: '5' } } }), 'PUT item with an extra member'));
    expected = { ...expected, d: '4' };
    await expectState(ctx, expected, 'metadata after PUT item: the item is set, the extra member is not stored');
  }
  if (serves('replaceAll')) {
    await ctx.step('PUT collection with extra members', async () => expectAccepted(ctx, await ctx.server.raw('PUT', undefined, { json: { metadata: { ...expected, f: '6' }, extra: 'x', meta: { g: '7' } } }), 'PUT with extra members'));
    await expectState(ctx, { ...expected, f: '6' }, 'metadata after PUT: the request map only');
  }
});

conformance('SM-SET-004', { title: 'PUT item with zero or two items in "meta" is 400 and changes nothing', requires: ['setItem'] }, async (ctx) => {
  const before = { a: '1' };
  await seed(ctx, before);
  await expectRefusedCases(ctx, 400, before, [{
    writes: [
      () => ctx.server.raw('PUT', 'k', { json: { meta: {} } }),
      () => ctx.server.raw('PUT', 'k', { json: { meta: { k: 'v', l: 'w' } } }),
      () => ctx.server.raw('PUT', 'a', { json: { meta: { a: 'x', b: 'y' } } }),
    ],
  }]);
});

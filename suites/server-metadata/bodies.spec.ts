import { expect } from 'vitest';
import { conformance, type ConformanceContext } from '../../lib/harness/conformance.ts';
import { expectStatus, SUCCESS } from '../../lib/harness/expect.ts';
import { expectState, seed } from '../../lib/harness/fixtures.ts';
import { expectRefusedCases, type RefusedCase } from '../../lib/harness/refusals.ts';
import { expectAccepted, writersOrNotApplicable } from '../../lib/harness/writers.ts';
import { collectionMap, itemValue } from '../../lib/harness/lenient.ts';
import type { Exchange } from '../../lib/http/exchange.ts';

const JSON_TYPE = { 'Content-Type': 'application/json' };

/** Bodies that are not JSON: a syntax error, a truncated document, Python-style quotes, a trailing comma, trailing data. */
const MALFORMED: readonly ((envelope: string, key: string) => string)[] = [
  () => '{not json',
  (env) => `{"${env}": `,
  (env, key) => `{'${env}': {'${key}': 'v'}}`,
  (env, key) => `{"${env}": {"${key}": "v",}}`,
  (env, key) => `{"${env}": {"${key}": "v"}} trailing`,
];

/** A raw body sent by each served write operation: [label, send]. */
function bodySenders(ctx: ConformanceContext, headers: Record<string, string> = JSON_TYPE): [string, 'collection' | 'item', (body: string) => Promise<Exchange>][] {
  return writersOrNotApplicable(ctx).map((w) => {
    const [method, key] = w.op === 'merge' ? ['POST', undefined] : w.op === 'replaceAll' ? ['PUT', undefined] : ['PUT', 'k'];
    return [w.label, key === undefined ? 'collection' : 'item', (body: string) => ctx.server.raw(method, key, { body, headers })];
  });
}

conformance('SM-BODY-002', { title: 'a body that is not valid JSON is 400 "Malformed request body" and changes nothing' }, async (ctx) => {
  const before = { a: '1' };
  await seed(ctx, before);
  const cases: RefusedCase[] = [];
  for (const [label, kind, send] of bodySenders(ctx)) {
    for (const malformed of MALFORMED) {
      const body = kind === 'collection' ? malformed('metadata', 'k') : malformed('meta', 'k');
      cases.push({ step: `${label} with body ${JSON.stringify(body)}`, writes: [() => send(body)], check: ({ message }) => expect(message, 'fault message').toContain('Malformed request body') });
    }
  }
  await expectRefusedCases(ctx, 400, before, cases);
});

conformance('SM-BODY-003', { title: 'PUT and POST with an empty body are 400 and change nothing' }, async (ctx) => {
  const before = { a: '1' };
  await seed(ctx, before);
  await expectRefusedCases(
    ctx,
    400,
    before,
    [{}, JSON_TYPE].map((headers) => ({
      step: `empty bodies ${Object.keys(headers).length ? 'with Content-Type: application/json' : 'without Content-Type'}`,
      writes: bodySenders(ctx, headers).map(([, , send]) => () => send('')),
    })),
  );
});

conformance('SM-BODY-004', { title: 'a body whose top-level JSON value is not an object is 400 and changes nothing' }, async (ctx) => {
  const before = { a: '1' };
  await seed(ctx, before);
  const scalars = ['"x"', '1', 'true', 'null', '[]'];
  const bodies = { collection: [...scalars, '[{"metadata": {"k": "v"}}]', '"{\\"metadata\\": {\\"k\\": \\"v\\"}}"'], item: [...scalars, '[{"meta": {"k": "v"}}]'] };
  const cases = bodySenders(ctx).map(([label, kind, send]): RefusedCase => ({ step: `${label} with a body that is no object`, writes: bodies[kind].map((body) => () => send(body)) }));
  await expectRefusedCases(ctx, 400, before, cases);
});

conformance('SM-BODY-007', { title: 'a body larger than the body-size limit is 413 (judged by status) and changes nothing' }, async (ctx) => {
  const [w] = writersOrNotApplicable(ctx).filter((x) => x.op !== 'setItem');
  if (!w) ctx.notApplicable('the target serves neither POST {S} nor PUT {S}');
  const before = { a: '1' };
  await seed(ctx, before);
  const oversized = await w!.send('k', 'x'.repeat(ctx.profile.requestBody.maxBytes), before);
  expectStatus(oversized, [413]);
  await expectState(ctx, before, `metadata after the oversized ${w!.label} is unchanged`);
});

conformance('SM-BODY-008', { title: 'duplicate member names in a body: the last one wins (observed)' }, async (ctx) => {
  const [w] = writersOrNotApplicable(ctx).filter((x) => x.op === 'merge');
  if (!w) ctx.notApplicable('the target serves no POST {S}');
  await seed(ctx, { a: '1' });
  expectAccepted(ctx, await ctx.server.raw('POST', undefined, { body: '{"metadata": {"dup": "first", "dup": "last"}}', headers: JSON_TYPE }), 'POST with a duplicated key');
  await expectState(ctx, { a: '1', dup: 'last' }, 'metadata after POST with a duplicated key');
});

conformance('SM-BODY-009', { title: 'bodies sent with GET and DELETE are ignored' }, async (ctx) => {
  const [list, show, del] = [ctx.serves('list'), ctx.serves('show'), ctx.serves('deleteItem')];
  if (!list && !show && !del) ctx.notApplicable('the target serves no GET or DELETE on metadata URLs');
  await seed(ctx, { a: '1', b: '2' });
  const opts = (body: string) => ({ body, headers: JSON_TYPE });
  const read = SUCCESS;
  if (list) {
    for (const body of ['{not json', '{"metadata": {"x": "y"}}']) {
      const ex = await ctx.server.raw('GET', undefined, opts(body));
      expectStatus(ex, read);
      expect(collectionMap(ex), `GET collection with the body ${body}`).toEqual({ a: '1', b: '2' });
    }
  }
  if (show) {
    for (const body of ['{not json', '{"meta": {"b": 1}}']) {
      const ex = await ctx.server.raw('GET', 'a', opts(body));
      expectStatus(ex, read);
      expect(itemValue(ex, 'a'), `GET item with the body ${body}`).toBe('1');
    }
  }
  if (del) {
    const deleted = await ctx.server.raw('DELETE', 'b', opts('{not json'));
    expectStatus(deleted, SUCCESS);
    await expectState(ctx, { a: '1' }, 'metadata after DELETE item b with a malformed body', ctx.server, ['b']);
  }
});

import { expect } from 'vitest';
import { conformance } from '../../lib/harness/conformance.ts';
import { expectCollection, expectEmptyBody, expectItem, expectSameMap, expectStatus } from '../../lib/harness/expect.ts';
import { currentMetadata, expectRefusedCases, seed, type RefusedCase } from '../../lib/harness/fixtures.ts';

const JSON_TYPE = { 'Content-Type': 'application/json' };

/** Bodies that are not JSON: a syntax error, a truncated document, Python-style quotes, a trailing comma, trailing data. */
const MALFORMED: readonly ((envelope: string, key: string) => string)[] = [
  () => '{not json',
  (env) => `{"${env}": `,
  (env, key) => `{'${env}': {'${key}': 'v'}}`,
  (env, key) => `{"${env}": {"${key}": "v",}}`,
  (env, key) => `{"${env}": {"${key}": "v"}} trailing`,
];

conformance('SM-BODY-002', 'a body that is not valid JSON is 400 "Malformed request body" and changes nothing', async (ctx) => {
  const ops = ctx.profile.operations;
  const before = { a: '1' };
  await seed(ctx, before);
  // a 5xx here is an answer (the rule asks for 400), not an infrastructure failure
  const send = (method: string, key: string | undefined, body: string) => ctx.server.raw(method, key, { body, headers: JSON_TYPE, allow5xx: true });
  const cases: RefusedCase[] = [];
  for (const malformed of MALFORMED) {
    const attempts: [string, string | undefined, string][] = [];
    if (ops.merge) attempts.push(['POST', undefined, malformed('metadata', 'k')]);
    if (ops.replaceAll) attempts.push(['PUT', undefined, malformed('metadata', 'k')]);
    if (ops.setItem) attempts.push(['PUT', 'k', malformed('meta', 'k')]);
    for (const [method, key, body] of attempts) {
      cases.push({
        step: `${method} ${key === undefined ? 'collection' : 'item'} with body ${JSON.stringify(body)}`,
        writes: [() => send(method, key, body)],
        check: ({ message }) => expect(message, 'fault message').toContain('Malformed request body'),
      });
    }
  }
  await expectRefusedCases(ctx, 400, before, cases);
}, { requires: ['list', 'replaceAll'] });

conformance('SM-BODY-003', 'PUT and POST with an empty body are 400 and change nothing', async (ctx) => {
  const ops = ctx.profile.operations;
  const before = { a: '1' };
  await seed(ctx, before);
  await expectRefusedCases(
    ctx,
    400,
    before,
    [{}, JSON_TYPE].map((headers) => ({
      step: `empty bodies ${Object.keys(headers).length ? 'with Content-Type: application/json' : 'without Content-Type'}`,
      writes: [
        ...(ops.merge ? [() => ctx.server.raw('POST', undefined, { body: '', headers })] : []),
        () => ctx.server.raw('PUT', undefined, { body: '', headers }),
        ...(ops.setItem ? [() => ctx.server.raw('PUT', 'a', { body: '', headers })] : []),
      ],
    })),
  );
}, { requires: ['list', 'replaceAll'] });

conformance('SM-BODY-004', 'a body whose top-level JSON value is not an object is 400 and changes nothing', async (ctx) => {
  const ops = ctx.profile.operations;
  const before = { a: '1' };
  await seed(ctx, before);
  const scalars = ['"x"', '1', 'true', 'null', '[]'];
  const collectionBodies = [...scalars, '[{"metadata": {"k": "v"}}]', '"{\\"metadata\\": {\\"k\\": \\"v\\"}}"'];
  const itemBodies = [...scalars, '[{"meta": {"k": "v"}}]'];
  const cases: RefusedCase[] = collectionBodies.map((body) => ({
    step: `collection body ${body}`,
    writes: [
      ...(ops.merge ? [() => ctx.server.raw('POST', undefined, { body, headers: JSON_TYPE })] : []),
      () => ctx.server.raw('PUT', undefined, { body, headers: JSON_TYPE }),
    ],
  }));
  if (ops.setItem) cases.push(...itemBodies.map((body) => ({ step: `item body ${body}`, writes: [() => ctx.server.raw('PUT', 'k', { body, headers: JSON_TYPE })] })));
  await expectRefusedCases(ctx, 400, before, cases);
}, { requires: ['list', 'replaceAll'] });

conformance('SM-BODY-007', 'a body larger than the body-size limit is 413 (judged by status) and changes nothing', async (ctx) => {
  const before = { a: '1' };
  await seed(ctx, before);
  const filler = 'x'.repeat(ctx.profile.requestBody.maxBytes);
  const oversized = await ctx.server.raw('POST', undefined, { json: { metadata: { k: filler } } });
  expectStatus(oversized, [413]);
  expectSameMap(await currentMetadata(ctx), before, 'metadata after the oversized POST is unchanged');
}, { requires: ['merge', 'list', 'replaceAll'] });

conformance('SM-BODY-008', 'duplicate member names in a body: the last one wins', async (ctx) => {
  await seed(ctx, { a: '1' });
  const ex = await ctx.server.raw('POST', undefined, { body: '{"metadata": {"dup": "first", "dup": "last"}}', headers: JSON_TYPE });
  expectCollection(ex, ctx.profile.success.write);
  expectSameMap(await currentMetadata(ctx), { a: '1', dup: 'last' }, 'metadata after POST with a duplicated key');
}, { requires: ['merge', 'list', 'replaceAll'] });

conformance('SM-BODY-009', 'bodies sent with GET and DELETE are ignored', async (ctx) => {
  const ops = ctx.profile.operations;
  await seed(ctx, { a: '1', b: '2' });
  const opts = (body: string) => ({ body, headers: JSON_TYPE });
  if (ops.list) {
    expectSameMap(expectCollection(await ctx.server.raw('GET', undefined, opts('{not json')), ctx.profile.success.read), { a: '1', b: '2' }, 'GET collection with a malformed body');
    expectSameMap(expectCollection(await ctx.server.raw('GET', undefined, opts('{"metadata": {"x": "y"}}')), ctx.profile.success.read), { a: '1', b: '2' }, 'GET collection with a metadata body');
  }
  if (ops.show) {
    expect(expectItem(await ctx.server.raw('GET', 'a', opts('{not json')), ctx.profile.success.read), 'GET item with a malformed body').toEqual(['a', '1']);
    expect(expectItem(await ctx.server.raw('GET', 'a', opts('{"meta": {"b": 1}}')), ctx.profile.success.read), 'GET item with a mismatching body').toEqual(['a', '1']);
  }
  if (ops.deleteItem) {
    const deleted = await ctx.server.raw('DELETE', 'b', opts('{not json'));
    expectStatus(deleted, ctx.profile.success.delete);
    expectEmptyBody(deleted);
    expectSameMap(await currentMetadata(ctx), { a: '1' }, 'metadata after DELETE item b with a malformed body');
  }
}, { requires: ['list', 'replaceAll'] });

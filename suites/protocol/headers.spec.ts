import { expect } from 'vitest';
import { conformance, type ConformanceContext } from '../../lib/harness/conformance.ts';
import { expectStatus, header, SUCCESS } from '../../lib/harness/expect.ts';
import { seed, unknownId } from '../../lib/harness/fixtures.ts';
import { answerOf } from '../../lib/harness/refusals.ts';
import { announcedMicroversions, formatVersion } from '../../lib/harness/microversions.ts';
import { describeExchange, json, type Exchange } from '../../lib/http/exchange.ts';
import { MICROVERSION_HEADERS } from '../../lib/protocol.ts';

/** Successes, writes and errors (API faults) of the target server through the operations it serves, in one sequence. */
async function sampleAnswers(ctx: ConformanceContext, headers?: Record<string, string>): Promise<Exchange[]> {
  await seed(ctx, { k: 'v', d: 'x' });
  const opts = headers ? { headers } : {};
  const calls: [boolean, () => Promise<Exchange>][] = [
    [ctx.serves('list'), () => ctx.server.list(opts)],
    [ctx.serves('list'), () => ctx.serverById(unknownId()).list(opts)],
    [ctx.serves('show'), () => ctx.server.show('k', opts)],
    [ctx.serves('show'), () => ctx.server.show('absent-key', opts)],
    [ctx.serves('replaceAll'), () => ctx.server.replaceAll({ k: 'v', d: 'x' }, opts)],
    [ctx.serves('merge'), () => ctx.server.merge({ m: 'v' }, opts)],
    [ctx.serves('merge'), () => ctx.server.raw('POST', undefined, { body: '{not json', headers: { 'Content-Type': 'application/json', ...headers } })],
    [ctx.serves('setItem'), () => ctx.server.setItem('s', 'v', opts)],
    [ctx.serves('setItem'), () => ctx.server.raw('PUT', 'k', { json: { meta: { other: 'v' } }, ...opts })],
    [ctx.serves('deleteItem'), () => ctx.server.deleteItem('d', opts)],
    [ctx.serves('deleteItem'), () => ctx.server.deleteItem('absent-key', opts)],
  ];
  const answers: Exchange[] = [];
  for (const [served, send] of calls) if (served) answers.push(await answerOf(send));
  if (!answers.length) ctx.notApplicable('the target serves no metadata operation');
  return answers;
}

const VARY = (ex: Exchange) => (header(ex, 'vary') ?? '').toLowerCase();

conformance('SM-HDR-001', { title: 'every response (reads, writes, errors) carries the request-id headers' }, async (ctx) => {
  const pattern = new RegExp(ctx.profile.requestId.pattern);
  for (const ex of await sampleAnswers(ctx)) {
    for (const name of ctx.profile.requestId.headers) {
      const value = header(ex, name);
      if (value === undefined) expect.fail(`no ${name} header on ${describeExchange(ex)}`);
      expect(value, `${name} on ${describeExchange(ex)}`).toMatch(pattern);
    }
  }
});

conformance('SM-HDR-002', { title: '/v2.1 responses carry the microversion headers: the minimum by default, the requested version otherwise' }, async (ctx) => {
  const range = await announcedMicroversions(ctx);
  if (!range) return ctx.notApplicable('this base announces no microversions in its version document (/v2: SM-HDR-003)');
  const expectVersion = (ex: Exchange, version: string) => {
    expect(header(ex, 'openstack-api-version'), `OpenStack-API-Version on ${describeExchange(ex)}`).toBe(`compute ${version}`);
    expect(header(ex, 'x-openstack-nova-api-version'), `X-OpenStack-Nova-API-Version on ${describeExchange(ex)}`).toBe(version);
    for (const name of MICROVERSION_HEADERS) expect(VARY(ex), `Vary on ${describeExchange(ex)}`).toContain(name);
  };
  const [min, max] = [formatVersion(range.min), formatVersion(range.max)];
  await ctx.step(`no requested version: the minimum, ${min}`, async () => {
    for (const ex of await sampleAnswers(ctx)) expectVersion(ex, min);
  });
  await ctx.step(`requested version ${max} (the maximum announced)`, async () => {
    for (const ex of await sampleAnswers(ctx, { 'OpenStack-API-Version': `compute ${max}` })) expectVersion(ex, max);
  });
});

conformance('SM-HDR-003', { title: '/v2 responses carry no microversion headers, also when a version is requested' }, async (ctx) => {
  if (await announcedMicroversions(ctx)) return ctx.notApplicable('this base announces microversions (/v2.1: SM-HDR-002)');
  const noVersionHeaders = (ex: Exchange) => {
    for (const name of MICROVERSION_HEADERS) {
      expect(header(ex, name), `${name} on ${describeExchange(ex)}`).toBeUndefined();
      expect(VARY(ex), `Vary on ${describeExchange(ex)}`).not.toContain(name);
    }
  };
  for (const ex of await sampleAnswers(ctx)) noVersionHeaders(ex);
  const read = ctx.serves('list') ? (opts: object) => ctx.server.list(opts) : (opts: object) => ctx.server.show('k', opts);
  for (const requested of ['compute latest', 'compute 2.1', 'compute 3.0']) {
    await ctx.step(`OpenStack-API-Version: ${requested}`, async () => noVersionHeaders(await answerOf(() => read({ headers: { 'OpenStack-API-Version': requested } }))));
  }
});

const JSON_TYPE = /^application\/(json|vnd\.openstack\.compute\+json)\s*(;|$)/i;

/** A success answer with a JSON body sent as JSON. */
function expectJsonAnswer(ctx: ConformanceContext, ex: Exchange, statuses: readonly number[]): void {
  expectStatus(ex, statuses);
  const type = header(ex, 'content-type');
  if (type === undefined || !JSON_TYPE.test(type)) expect.fail(`expected a JSON Content-Type, got '${type ?? ''}' on ${describeExchange(ex)}`);
  if (json(ex) === undefined) expect.fail(`expected a JSON body, got ${describeExchange(ex)}`);
}

conformance('SM-HDR-004', { title: 'success bodies are JSON with a JSON Content-Type, also for Accept: application/xml; DELETE 204 is empty' }, async (ctx) => {
  await seed(ctx, { k: 'v', d: 'x' });
  for (const accept of ['application/json', 'application/xml']) {
    const opts = { headers: { Accept: accept } };
    await ctx.step(`Accept: ${accept}`, async () => {
      if (ctx.serves('list')) expectJsonAnswer(ctx, await ctx.server.list(opts), SUCCESS);
      if (ctx.serves('show')) expectJsonAnswer(ctx, await ctx.server.show('k', opts), SUCCESS);
      if (ctx.serves('merge')) expectJsonAnswer(ctx, await ctx.server.merge({ k: 'v', d: 'x', m: accept }, opts), SUCCESS);
      else if (ctx.serves('setItem')) expectJsonAnswer(ctx, await ctx.server.setItem('m', accept, opts), SUCCESS);
    });
  }
  if (ctx.serves('deleteItem')) {
    const ex = await ctx.server.deleteItem('d', { headers: { Accept: 'application/xml' } });
    expectStatus(ex, SUCCESS);
    expect(ex.response.text, 'DELETE body').toBe('');
  }
});

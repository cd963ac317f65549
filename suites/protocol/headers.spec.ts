import { expect } from 'vitest';
import { conformance, type ConformanceContext } from '../../lib/harness/conformance.ts';
import { announcedMicroversions, formatVersion } from '../../lib/harness/microversions.ts';
import { expectCollection, expectEmptyBody, expectItem, expectStatus, header } from '../../lib/harness/expect.ts';
import { seed, unknownId } from '../../lib/harness/fixtures.ts';
import { describeExchange, type Exchange } from '../../lib/http/exchange.ts';
import { MICROVERSION_HEADERS } from '../../lib/protocol.ts';

/** Successes, writes and errors (API faults) of the target server, in one sequence. */
async function sampleAnswers(ctx: ConformanceContext, headers?: Record<string, string>): Promise<Exchange[]> {
  await seed(ctx, { k: 'v', d: 'x' });
  const opts = headers ? { headers } : {};
  const ops = ctx.profile.operations;
  const answers: Exchange[] = [];
  if (ops.list) answers.push(await ctx.server.list(opts), await ctx.serverById(unknownId()).list(opts));
  if (ops.show) answers.push(await ctx.server.show('k', opts), await ctx.server.show('absent-key', opts));
  if (ops.replaceAll) answers.push(await ctx.server.replaceAll({ k: 'v', d: 'x' }, opts));
  if (ops.merge) {
    answers.push(await ctx.server.merge({ m: 'v' }, opts));
    answers.push(await ctx.server.raw('POST', undefined, { body: '{not json', headers: { 'Content-Type': 'application/json', ...headers } }));
  }
  if (ops.setItem) answers.push(await ctx.server.setItem('s', 'v', opts), await ctx.server.raw('PUT', 'k', { json: { meta: { other: 'v' } }, ...opts }));
  if (ops.deleteItem) answers.push(await ctx.server.deleteItem('d', opts), await ctx.server.deleteItem('absent-key', opts));
  return answers;
}

const VARY = (ex: Exchange) => (header(ex, 'vary') ?? '').toLowerCase();

conformance('SM-HDR-001', 'every response (reads, writes, errors) carries the request-id headers', async (ctx) => {
  const pattern = new RegExp(ctx.profile.requestId.pattern);
  for (const ex of await sampleAnswers(ctx)) {
    for (const name of ctx.profile.requestId.headers) {
      const value = header(ex, name);
      if (value === undefined) expect.fail(`no ${name} header on ${describeExchange(ex)}`);
      expect(value, `${name} on ${describeExchange(ex)}`).toMatch(pattern);
    }
  }
}, { requires: ['replaceAll'] });

conformance('SM-HDR-002', '/v2.1 responses carry the microversion headers: the minimum by default, the requested version otherwise', async (ctx) => {
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
}, { requires: ['replaceAll'] });

conformance('SM-HDR-003', '/v2 responses carry no microversion headers, also when a version is requested', async (ctx) => {
  if (await announcedMicroversions(ctx)) return ctx.notApplicable('this base announces microversions (/v2.1: SM-HDR-002)');
  const noVersionHeaders = (ex: Exchange) => {
    for (const name of MICROVERSION_HEADERS) {
      expect(header(ex, name), `${name} on ${describeExchange(ex)}`).toBeUndefined();
      expect(VARY(ex), `Vary on ${describeExchange(ex)}`).not.toContain(name);
    }
  };
  for (const ex of await sampleAnswers(ctx)) noVersionHeaders(ex);
  for (const requested of ['compute latest', 'compute 2.1', 'compute 3.0']) {
    await ctx.step(`OpenStack-API-Version: ${requested}`, async () => {
      noVersionHeaders(await ctx.server.list({ headers: { 'OpenStack-API-Version': requested } }));
    });
  }
}, { requires: ['replaceAll'] });

const JSON_TYPE = /^application\/(json|vnd\.openstack\.compute\+json)\s*(;|$)/i;

function expectJsonType(ex: Exchange): void {
  const type = header(ex, 'content-type');
  if (type === undefined || !JSON_TYPE.test(type)) expect.fail(`expected a JSON Content-Type, got '${type ?? ''}' on ${describeExchange(ex)}`);
}

conformance('SM-HDR-004', 'success bodies are JSON with a JSON Content-Type, also for Accept: application/xml; DELETE 204 is empty', async (ctx) => {
  await seed(ctx, { k: 'v', d: 'x' });
  const { read, write } = ctx.profile.success;
  const ops = ctx.profile.operations;
  for (const accept of ['application/json', 'application/xml']) {
    const opts = { headers: { Accept: accept } };
    await ctx.step(`Accept: ${accept}`, async () => {
      if (ops.list) {
        const ex = await ctx.server.list(opts);
        expectCollection(ex, read);
        expectJsonType(ex);
      }
      if (ops.show) {
        const ex = await ctx.server.show('k', opts);
        expectItem(ex, read);
        expectJsonType(ex);
      }
      if (ops.merge) {
        const ex = await ctx.server.merge({ m: accept }, opts);
        expectCollection(ex, write);
        expectJsonType(ex);
      }
    });
  }
  if (ops.deleteItem) {
    const ex = await ctx.server.deleteItem('d', { headers: { Accept: 'application/xml' } });
    expectStatus(ex, ctx.profile.success.delete);
    expectEmptyBody(ex);
  }
}, { requires: ['replaceAll'] });

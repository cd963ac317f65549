import { conformance } from '../../lib/harness/conformance.ts';
import { expectFault } from '../../lib/harness/expect.ts';
import { seed, unknownId } from '../../lib/harness/fixtures.ts';

conformance('SM-ERR-001', 'errors use the Compute envelope named after their status', async (ctx) => {
  await seed(ctx, { k: 'v' });
  expectFault(await ctx.server.show('absent'), 404);
  expectFault(await ctx.server.with({ id: unknownId() }).list(), 404);
  expectFault(await ctx.server.raw('PUT', 'k', { json: { meta: { other: 'v' } } }), 400);
  expectFault(await ctx.server.raw('POST', undefined, { body: '{not json', headers: { 'Content-Type': 'application/json' } }), 400);
}, { requires: ['show', 'list', 'setItem', 'merge', 'replaceAll'] });

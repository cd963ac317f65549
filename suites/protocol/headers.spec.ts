import { expect } from 'vitest';
import { conformance } from '../../lib/harness/conformance.ts';
import { header } from '../../lib/harness/expect.ts';
import { seed, unknownId } from '../../lib/harness/fixtures.ts';
import { describeExchange } from '../../lib/http/exchange.ts';

conformance('SM-HDR-001', 'every response carries the request-id headers', async (ctx) => {
  await seed(ctx, { k: 'v' });
  const pattern = new RegExp(ctx.profile.requestId.pattern);
  const answers = [await ctx.server.list(), await ctx.server.show('k'), await ctx.server.show('absent'), await ctx.server.with({ id: unknownId() }).list()];
  for (const ex of answers) {
    for (const name of ctx.profile.requestId.headers) {
      const value = header(ex, name);
      if (value === undefined) expect.fail(`no ${name} header on ${describeExchange(ex)}`);
      expect(value, `${name} on ${describeExchange(ex)}`).toMatch(pattern);
    }
  }
}, { requires: ['list', 'show', 'replaceAll'] });

import { expect } from 'vitest';
import { conformance } from '../../lib/harness/conformance.ts';
import { expectStatus, SUCCESS } from '../../lib/harness/expect.ts';
import { seed } from '../../lib/harness/fixtures.ts';
import { collectionMap } from '../../lib/harness/lenient.ts';

conformance('SM-LIST-003', { title: 'GET collection ignores pagination query parameters and answers the full map', requires: ['list'] }, async (ctx) => {
  const all = { a: '1', b: '2', c: '3' };
  await seed(ctx, all);
  for (const query of ['limit=1', 'limit=1&marker=a', 'marker=b', 'limit=0&marker=x&sort_key=key']) {
    const ex = await ctx.http.send('GET', `${ctx.server.url()}?${query}`);
    expectStatus(ex, SUCCESS);
    expect(collectionMap(ex), `GET collection ?${query}: the full map`).toEqual(all);
  }
});

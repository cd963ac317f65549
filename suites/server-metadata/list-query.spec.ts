import { conformance } from '../../lib/harness/conformance.ts';
import { expectCollection, expectSameMap } from '../../lib/harness/expect.ts';
import { seed } from '../../lib/harness/fixtures.ts';

conformance('SM-LIST-003', 'GET collection ignores pagination query parameters and answers the full map', async (ctx) => {
  const all = { a: '1', b: '2', c: '3' };
  await seed(ctx, all);
  for (const query of ['limit=1', 'limit=1&marker=a', 'marker=b', 'limit=0&marker=x&sort_key=key']) {
    const listed = expectCollection(await ctx.http.send('GET', `${ctx.server.url()}?${query}`), ctx.profile.success.read);
    expectSameMap(listed, all, `GET collection ?${query}`);
  }
}, { requires: ['list', 'replaceAll'] });

import { expect } from 'vitest';
import { conformance } from '../../lib/harness/conformance.ts';
import { expectCollection, expectEmptyBody, expectFault, expectItem, expectSameMap, expectStatus } from '../../lib/harness/expect.ts';
import { seed } from '../../lib/harness/fixtures.ts';

conformance('SM-URL-001', 'project-less URLs reach the same metadata with the same results', async (ctx) => {
  const stored = { k: 'v', other: 'w' };
  await seed(ctx, stored);
  const projectLess = ctx.server.with({ base: `${ctx.target.root}/${ctx.api}` });
  const ops = ctx.profile.operations;
  await ctx.step('list without the project id', async () => expectSameMap(expectCollection(await projectLess.list(), ctx.profile.success.read), stored, 'project-less list'));
  if (ops.show) await ctx.step('show without the project id', async () => expect(expectItem(await projectLess.show('k'), ctx.profile.success.read)).toEqual(['k', 'v']));
  if (ops.setItem) {
    await ctx.step('PUT item without the project id is seen with it', async () => {
      expectItem(await projectLess.setItem('project-less', 'x'), ctx.profile.success.write);
      expectSameMap(expectCollection(await ctx.server.list(), ctx.profile.success.read), { ...stored, 'project-less': 'x' }, 'list with the project id');
    });
  }
  if (ops.deleteItem && ops.setItem) {
    await ctx.step('DELETE item without the project id', async () => {
      const del = await projectLess.deleteItem('project-less');
      expectStatus(del, ctx.profile.success.delete);
      expectEmptyBody(del);
    });
  }
  if (ops.show) await ctx.step('an absent key without the project id is 404', async () => expectFault(await projectLess.show('absent-key'), 404));
}, { requires: ['list', 'replaceAll'] });

conformance('SM-URL-003', 'a project segment that is not lower-case hex matches no route (404)', async (ctx) => {
  await seed(ctx, { k: 'v' });
  const segments = ['not-a-project'];
  const upper = ctx.target.projectId.toUpperCase();
  if (upper !== ctx.target.projectId) segments.push(upper);
  for (const segment of segments) {
    const ex = await ctx.server.with({ base: `${ctx.target.root}/${ctx.api}/${encodeURIComponent(segment)}` }).list();
    expectStatus(ex, [404]);
  }
}, { requires: ['list', 'replaceAll'] });

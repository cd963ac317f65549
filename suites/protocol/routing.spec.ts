import { expect } from 'vitest';
import { conformance } from '../../lib/harness/conformance.ts';
import { expectStatus, SUCCESS } from '../../lib/harness/expect.ts';
import { expectState, seed } from '../../lib/harness/fixtures.ts';
import { expectError } from '../../lib/harness/refusals.ts';
import { expectAccepted } from '../../lib/harness/writers.ts';
import { collectionMap, itemValue } from '../../lib/harness/lenient.ts';

conformance('SM-URL-001', { title: 'project-less URLs reach the same metadata with the same results' }, async (ctx) => {
  const stored = { k: 'v', other: 'w' };
  await seed(ctx, stored);
  const projectLess = ctx.server.with({ base: `${ctx.target.root}/${ctx.api}` });
  const read = SUCCESS;
  if (ctx.serves('list')) {
    await ctx.step('list without the project id', async () => {
      const ex = await projectLess.list();
      expectStatus(ex, read);
      expect(collectionMap(ex), 'project-less list').toEqual(stored);
    });
  }
  if (ctx.serves('show')) {
    await ctx.step('show without the project id', async () => {
      const ex = await projectLess.show('k');
      expectStatus(ex, read);
      expect(itemValue(ex, 'k'), 'project-less show').toBe('v');
    });
  }
  if (ctx.serves('setItem')) {
    await ctx.step('PUT item without the project id is seen with it', async () => {
      expectAccepted(ctx, await projectLess.setItem('project-less', 'x'), 'project-less PUT item');
      await expectState(ctx, { ...stored, 'project-less': 'x' }, 'metadata read with the project id');
    });
  }
  if (ctx.serves('deleteItem') && ctx.serves('setItem')) {
    await ctx.step('DELETE item without the project id', async () => {
      expectAccepted(ctx, await projectLess.deleteItem('project-less'), 'project-less DELETE item');
      await expectState(ctx, stored, 'metadata read with the project id', ctx.server, ['project-less']);
    });
  }
  if (ctx.serves('show')) await ctx.step('an absent key without the project id is 404', async () => void expectError(ctx, await projectLess.show('absent-key'), 404));
});

conformance('SM-URL-003', { title: 'a project segment that is not lower-case hex matches no route (404)' }, async (ctx) => {
  await seed(ctx, { k: 'v' });
  const segments = ['not-a-project'];
  const upper = ctx.target.projectId.toUpperCase();
  if (upper !== ctx.target.projectId) segments.push(upper);
  for (const segment of segments) {
    const other = ctx.server.with({ base: `${ctx.target.root}/${ctx.api}/${encodeURIComponent(segment)}` });
    const ex = ctx.serves('list') ? await other.list() : await other.show('k');
    expectStatus(ex, [404]);
  }
});

import { expect } from 'vitest';
import { conformance } from '../../lib/harness/conformance.ts';
import { expectFault } from '../../lib/harness/expect.ts';
import { otherProjectId, seed, unknownId } from '../../lib/harness/fixtures.ts';

conformance('SM-URL-004', 'every operation on an unknown server is 404 itemNotFound', async (ctx) => {
  const nowhere = ctx.serverById(unknownId());
  const ops = ctx.profile.operations;
  if (ops.list) expectFault(await nowhere.list(), 404);
  if (ops.show) expectFault(await nowhere.show('k'), 404);
  if (ops.replaceAll) expectFault(await nowhere.replaceAll({ k: 'v' }), 404);
  if (ops.merge) expectFault(await nowhere.merge({ k: 'v' }), 404);
  if (ops.setItem) expectFault(await nowhere.setItem('k', 'v'), 404);
  if (ops.deleteItem) expectFault(await nowhere.deleteItem('k'), 404);
}, { uses: [] });

conformance('SM-URL-002', 'a URL project_id other than the token\'s is 400 "Malformed request URL"', async (ctx) => {
  await seed(ctx, { k: 'v' });
  const base = ctx.server.base.replace(/\/[^/]+$/, `/${otherProjectId(ctx.target.projectId)}`);
  const elsewhere = ctx.server.with({ base });
  const ops = ctx.profile.operations;
  const answers = [
    ops.list && (await elsewhere.list()),
    ops.show && (await elsewhere.show('k')),
    ops.replaceAll && (await elsewhere.replaceAll({ k: 'v' })),
    ops.merge && (await elsewhere.merge({ k: 'v' })),
    ops.setItem && (await elsewhere.setItem('k', 'v')),
    ops.deleteItem && (await elsewhere.deleteItem('k')),
  ];
  for (const ex of answers) {
    if (!ex) continue;
    const { message } = expectFault(ex, 400);
    expect(message).toContain('Malformed request URL');
  }
});

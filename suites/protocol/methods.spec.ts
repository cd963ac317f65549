import { conformance } from '../../lib/harness/conformance.ts';
import { expectStatus } from '../../lib/harness/expect.ts';
import { expectState, seed } from '../../lib/harness/fixtures.ts';

conformance('SM-METHOD-001', { title: 'methods a metadata URL does not support answer the profile\'s unsupported-method status and change nothing' }, async (ctx) => {
  const stored = { k: 'v', other: 'w' };
  await seed(ctx, stored);
  const requests: [string, string | undefined, unknown][] = [
    ['DELETE', undefined, undefined],
    ['PATCH', undefined, { metadata: { k: 'patched' } }],
    ['POST', 'k', { meta: { k: 'posted' } }],
    ['PATCH', 'k', { meta: { k: 'patched' } }],
  ];
  for (const [method, key, body] of requests) {
    await ctx.step(`${method} ${key === undefined ? 'collection' : 'item'}`, async () => {
      const ex = await ctx.server.raw(method, key, { ...(body === undefined ? {} : { json: body }), allow5xx: true });
      expectStatus(ex, ctx.profile.unsupportedMethod);
    });
  }
  await expectState(ctx, stored, 'metadata after the unsupported requests');
});

import { conformance, type ConformanceContext } from '../../lib/harness/conformance.ts';
import { expectCollection, expectFault, expectSameMap, expectStatus } from '../../lib/harness/expect.ts';
import { seed } from '../../lib/harness/fixtures.ts';
import { callImage, documentedImageOperations, IMAGE_SEED, imageClient, type ImageOperation } from '../../lib/harness/image.ts';
import { atLeast, computeVersion, maxMicroversion, type Microversion } from '../../lib/harness/microversions.ts';
import type { ApiVersion } from '../../lib/config/endpoint.ts';

/** Last microversion with the proxy, and the first without it (nova/api/openstack/api_version_request.py). */
const LAST_WITH_PROXY: Microversion = [2, 38];
const FIRST_WITHOUT_PROXY: Microversion = [2, 39];

function successStatuses(ctx: ConformanceContext, op: ImageOperation): readonly number[] {
  if (op === 'list' || op === 'show') return ctx.profile.success.read;
  return op === 'deleteItem' ? ctx.profile.success.delete : ctx.profile.success.write;
}

function requireBase(ctx: ConformanceContext, api: ApiVersion): void {
  if (!ctx.profile.bases.includes(api)) ctx.notApplicable(`profile '${ctx.profile.name}' does not document /${api}`);
}

async function requireMaxAtLeast(ctx: ConformanceContext, wanted: Microversion): Promise<void> {
  const max = await maxMicroversion(ctx);
  if (!max || !atLeast(max, wanted)) {
    ctx.notApplicable(`the target's maximum microversion ${max ? max.join('.') : '(none stated)'} is below ${wanted.join('.')}`);
  }
}

conformance('IM-VER-001', 'on /v2.1 every image operation is served at microversion 2.38', async (ctx) => {
  requireBase(ctx, 'v2.1');
  const image = imageClient(ctx, ['replaceAll'], 'v2.1');
  await requireMaxAtLeast(ctx, LAST_WITH_PROXY);
  await seed(ctx, IMAGE_SEED, image);
  for (const op of documentedImageOperations(ctx)) {
    await ctx.step(`${op} at 2.38`, async () => expectStatus(await callImage(image, op, { headers: computeVersion('2.38') }), successStatuses(ctx, op)));
  }
}, { apis: 'once' });

for (const version of ['2.39', 'latest']) {
  conformance('IM-VER-001', `on /v2.1 every image operation answers 404 itemNotFound at microversion ${version} and changes nothing`, async (ctx) => {
    requireBase(ctx, 'v2.1');
    const image = imageClient(ctx, ['replaceAll', 'list'], 'v2.1');
    await requireMaxAtLeast(ctx, FIRST_WITHOUT_PROXY);
    await seed(ctx, IMAGE_SEED, image);
    for (const op of documentedImageOperations(ctx)) {
      await ctx.step(`${op} at ${version}`, async () => expectFault(await callImage(image, op, { headers: computeVersion(version) }), 404));
    }
    expectSameMap(expectCollection(await image.list(), ctx.profile.success.read), IMAGE_SEED, 'image properties after the refused calls (read at 2.1)');
  }, { apis: 'once' });
}

conformance('IM-VER-001', '/v2 ignores the microversion header: every image operation is served with compute 2.39', async (ctx) => {
  requireBase(ctx, 'v2');
  const image = imageClient(ctx, ['replaceAll'], 'v2');
  await seed(ctx, IMAGE_SEED, image);
  for (const op of documentedImageOperations(ctx)) {
    await ctx.step(`${op} on /v2 with compute 2.39`, async () => expectStatus(await callImage(image, op, { headers: computeVersion('2.39') }), successStatuses(ctx, op)));
  }
}, { apis: 'once' });

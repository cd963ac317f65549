import type { Operation } from '../../profiles/types.ts';
import type { MetadataClient } from '../clients/metadata-client.ts';
import type { ApiVersion } from '../config/endpoint.ts';
import { VARS } from '../config/variables.ts';
import type { SendOptions } from '../http/client.ts';
import type { Exchange } from '../http/exchange.ts';
import type { ConformanceContext } from './conformance.ts';
import { seed } from './fixtures.ts';

/** Every image-metadata operation, in an order that keeps a seeded image addressable (reads first, deletes last). */
export const IMAGE_OPERATIONS: readonly Operation[] = ['list', 'show', 'merge', 'setItem', 'deleteItem', 'replaceAll'];

/**
 * The configured image's metadata client for an image test (on the test's base unless `api` is given); the
 * test is not applicable when no image is configured. The operations it judges are its `requires` with
 * `on: 'images'` (not documented: not applicable; not served: failed); others it uses as `ctx.serves` allows.
 */
export function imageClient(ctx: ConformanceContext, api: ApiVersion = ctx.api): MetadataClient {
  const client = ctx.imageOn(api);
  if (!client) return ctx.notApplicable(`${VARS.imageId} is not set`);
  return client;
}

/** The starting properties of the operation-wide image checks (IM-LIST-002, IM-VER-001). */
export const IMAGE_SEED: Readonly<Record<string, string>> = { a: '1', b: '2' };

/**
 * One well-formed call of an image operation, valid on an image seeded with IMAGE_SEED; called in the order
 * of IMAGE_OPERATIONS, the calls leave such an image as they found it.
 */
export function callImage(client: MetadataClient, op: Operation, opts?: SendOptions): Promise<Exchange> {
  switch (op) {
    case 'list':
      return client.list(opts);
    case 'show':
      return client.show('a', opts);
    case 'merge':
      // the whole set and one more: what it leaves does not depend on merge semantics (IM-MERGE-001's rule)
      return client.merge({ ...IMAGE_SEED, c: '3' }, opts);
    case 'setItem':
      return client.setItem('a', '9', opts);
    case 'deleteItem':
      return client.deleteItem('b', opts);
    case 'replaceAll':
      return client.replaceAll({ ...IMAGE_SEED }, opts);
  }
}

/** The image operations the profile documents and the target serves, in the order of IMAGE_OPERATIONS. */
export function servedImageOperations(ctx: ConformanceContext, image: MetadataClient): Operation[] {
  return IMAGE_OPERATIONS.filter((op) => ctx.serves(op, image));
}

/**
 * Puts the image's properties into a known state: first none, then the wanted ones. Nova sends Glance a JSON
 * patch computed by python-glanceclient, which turns "remove X, add Y with X's value" into a `move` that
 * Glance refuses (Nova then answers 500); going through the empty set never asks for a move.
 */
export async function seedImage(ctx: ConformanceContext, properties: Record<string, string>, image: MetadataClient): Promise<void> {
  await seed(ctx, {}, image);
  if (Object.keys(properties).length) await seed(ctx, properties, image);
}

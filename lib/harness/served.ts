import { randomUUID } from 'node:crypto';
import type { Operation } from '../../profiles/types.ts';
import { MetadataClient } from '../clients/metadata-client.ts';
import type { ApiVersion } from '../config/endpoint.ts';
import type { HttpClient } from '../http/client.ts';
import { describeExchange, type Exchange } from '../http/exchange.ts';
import { collectionMap, isRouteMiss } from './lenient.ts';
import type { Target } from './target.ts';

export type { Operation };

/** What the target serves of one resource's metadata on one base: an operation absent here was not probed. */
export type ServedOperations = Partial<Record<Operation, { served: boolean; evidence: string }>>;

/** Per resource kind ('servers', 'images') and API base: the operations the target serves, as probed before the run. */
export type Served = Partial<Record<'servers' | 'images', Partial<Record<ApiVersion, ServedOperations>>>>;

/** How each operation is named in messages (one place). */
export const OPERATION_LABELS: Readonly<Record<Operation, string>> = {
  list: 'GET {S}',
  show: 'GET {S}/{key}',
  replaceAll: 'PUT {S}',
  merge: 'POST {S}',
  setItem: 'PUT {S}/{key}',
  deleteItem: 'DELETE {S}/{key}',
};

export function operationLabel(op: Operation, resource: 'servers' | 'images' = 'servers'): string {
  return resource === 'images' ? OPERATION_LABELS[op].replace('{S}', '{I}') : OPERATION_LABELS[op];
}

/**
 * Learns which of the six operations a resource's metadata serves, without changing it: reads, a DELETE of a
 * key it does not have, and writes whose body a served operation refuses (400). An operation is missing when
 * the answer is a route miss (405, 501, or a 404 that is no fault envelope; for the refused writes, and for a
 * GET of a key the resource has, any 404). Where the resource holds metadata, each write is then asked to
 * write back what is stored (a no-op): a write that refuses even that does not work, and counts as not served
 * (its own behaviours fail with the evidence; other rules are judged through the writes that work).
 */
export async function probeOperations(client: MetadataClient): Promise<ServedOperations> {
  const absent = `metaconform-probe-${randomUUID().slice(0, 8)}`;
  const result: ServedOperations = {};
  const record = (op: Operation, ex: Exchange, anyNotFound: boolean) => {
    const missing = isRouteMiss(ex, anyNotFound);
    result[op] = { served: !missing, evidence: `${missing ? 'not served (route miss)' : 'served'}: ${describeExchange(ex)}` };
  };
  const list = await client.list({ allow5xx: true });
  record('list', list, false);
  const present = Object.keys(collectionMap(list) ?? {})[0];
  const addressable = present !== undefined && !present.includes('/') && present !== '.' && present !== '..';
  record('show', await client.show(addressable ? present : absent, { allow5xx: true }), addressable);
  record('deleteItem', await client.deleteItem(absent, { allow5xx: true }), false);
  record('replaceAll', await client.raw('PUT', undefined, { json: { metadata: null }, allow5xx: true }), true);
  record('merge', await client.raw('POST', undefined, { json: { metadata: null }, allow5xx: true }), true);
  record('setItem', await client.raw('PUT', absent, { json: { meta: null }, allow5xx: true }), true);
  const stored = collectionMap(list);
  if (stored && addressable && present !== undefined) {
    const value = stored[present]!;
    const noOps: [Operation, () => Promise<Exchange>][] = [
      ['replaceAll', () => client.replaceAll(stored, { allow5xx: true })],
      ['merge', () => client.merge({ [present]: value }, { allow5xx: true, replayable: true })],
      ['setItem', () => client.setItem(present, value, { allow5xx: true })],
    ];
    for (const [op, send] of noOps.filter(([op]) => result[op]?.served)) {
      const ex = await send();
      if (ex.response.status < 200 || ex.response.status >= 300) result[op] = { served: false, evidence: `does not work: it refuses a well-formed write of what is stored: ${describeExchange(ex)}` };
    }
  }
  return result;
}

/** Probes the target's server (and image, when it has one) on every base of the profile. */
export async function probeTarget(target: Target, http: HttpClient, bases: readonly ApiVersion[]): Promise<Served> {
  const served: Served = { servers: {}, ...(target.imageId ? { images: {} } : {}) };
  for (const api of bases) {
    served.servers![api] = await probeOperations(new MetadataClient(http, target.bases[api], 'servers', target.serverId));
    if (target.imageId) served.images![api] = await probeOperations(new MetadataClient(http, target.bases[api], 'images', target.imageId));
  }
  return served;
}

/** One line naming the operations a target does not serve, or undefined when it serves all it was asked. */
export function missingOperations(served: Served): string | undefined {
  const lines: string[] = [];
  for (const [resource, byApi] of Object.entries(served) as ['servers' | 'images', Partial<Record<ApiVersion, ServedOperations>>][]) {
    for (const [api, ops] of Object.entries(byApi)) {
      const missing = (Object.entries(ops) as [Operation, { served: boolean }][]).filter(([, o]) => !o.served).map(([op]) => operationLabel(op, resource));
      if (missing.length) lines.push(`/${api}: ${missing.join(', ')}`);
    }
  }
  return lines.length ? `the target does not serve ${lines.join('; ')} (route misses); their behaviours fail, the other rules are judged through the operations it serves` : undefined;
}

/**
 * nova/api/openstack/compute/versions.py (GET / → 300 Multiple Choices, the list of API versions) and
 * versionsV21.py (GET /v2.1 and /v2 → the version document with the microversion range).
 */
import type { ReferenceContext, RequestContext } from '../context.ts';
import { formatVersion, MAX_VERSION, MIN_VERSION } from '../microversion.ts';
import { send } from '../wsgi.ts';

function versionsDocument(host: string): { v2: unknown; v21: unknown } {
  const v21 = { id: 'v2.1', status: 'CURRENT', version: formatVersion(MAX_VERSION), min_version: formatVersion(MIN_VERSION), updated: '2013-07-23T11:33:21Z', links: [{ rel: 'self', href: `${host}/v2.1/` }] };
  const v2 = { id: 'v2.0', status: 'SUPPORTED', version: '', min_version: '', updated: '2011-01-21T11:33:21Z', links: [{ rel: 'self', href: `${host}/v2/` }] };
  return { v2, v21 };
}

/** GET /: every version (300). */
export function listVersions(ref: ReferenceContext, rq: RequestContext, host: string): void {
  const docs = versionsDocument(host);
  send(ref, rq, 300, { versions: [docs.v2, docs.v21] });
}

/** GET /v2.1 or /v2: the version document of that base (an answer of the API app). */
export function showVersion(ref: ReferenceContext, rq: RequestContext, host: string): void {
  rq.app = true;
  const docs = versionsDocument(host);
  send(ref, rq, 200, { version: rq.api === 'v2' ? docs.v2 : docs.v21 });
}

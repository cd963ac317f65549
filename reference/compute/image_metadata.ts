/**
 * nova/api/openstack/compute/image_metadata.py ImageMetadataController (the image-metadata proxy to Glance,
 * removed at microversion 2.39 on /v2.1): version gate, the server-metadata schemas, the URI/body mismatch
 * before the image lookup, then Glance (nova/image/glance.py) with the maxImageMeta limit
 * (common.check_img_metadata_properties_quota).
 */
import type { ReferenceContext, RequestContext } from '../context.ts';
import { Fault } from '../faults.ts';
import type { Metadata } from '../../lib/protocol.ts';
import { compareVersion, type Version } from '../microversion.ts';
import type { RouteOf } from '../router.ts';
import { validatedBody } from '../validation.ts';
import { send } from '../wsgi.ts';

/** Glance core attributes the image proxy may write but that never show as properties (ground truth J19). */
const GLANCE_CORE_ATTRIBUTES = new Set(['min_ram', 'min_disk']);

/** The microversion the image proxy is judged at: /v2.1's; none on /v2 (it ignores the header) unless a mutant says so. */
function imageProxyVersion(ref: ReferenceContext, rq: RequestContext): Version | undefined {
  if (rq.api === 'v2.1') return rq.version;
  if (!ref.impl.imageProxyVersionedOnV2) return undefined;
  try {
    return ref.impl.requestedVersion(rq.req.headers);
  } catch {
    return undefined;
  }
}

export function imageMetadata(ref: ReferenceContext, rq: RequestContext, route: RouteOf<'image-meta'>, body: unknown): void {
  const { impl, store, quota } = ref;
  const version = imageProxyVersion(ref, rq);
  if (version && compareVersion(version, impl.maxImageProxyMicroversion) > 0) {
    throw new Fault(404, 'The resource could not be found.');
  }
  const { op, key } = route;
  const rules = impl.imageValidates ? impl : { ...impl, keyValid: () => true, valueTypeValid: () => true, valueLength: () => 0 };
  const requested = op === 'replaceAll' || op === 'merge' ? validatedBody(rules, rq.api, body, 'collection') : op === 'setItem' ? validatedBody(rules, rq.api, body, 'item') : undefined;
  const mismatch = op === 'setItem' && impl.checksUriBodyMismatch && Object.keys(requested!)[0] !== key;
  if (mismatch && impl.imageMismatchBeforeLookup) throw new Fault(400, 'Request body and URI mismatch');
  const image = store.images.get(route.imageId) ?? (impl.imageChecksExistence ? undefined : { id: route.imageId, properties: new Map<string, string>() });
  if (!image) throw new Fault(404, 'Image not found.');
  if (mismatch) throw new Fault(400, 'Request body and URI mismatch');
  const current = Object.fromEntries(image.properties);
  const status = impl.successStatus(op, rq.api);
  const checkImageQuota = (next: Metadata) => {
    const count = Object.keys(next).length;
    if (count > 0 && count > impl.imagePropertyLimit(quota)) throw new Fault(impl.profile.quota.status, 'Image metadata limit exceeded');
  };
  // Glance keeps its core attributes apart (J19: PUT item min_ram → 200, but it is no property afterwards)
  const glanceView = (next: Metadata): Metadata => Object.fromEntries(Object.entries(next).filter(([k]) => !GLANCE_CORE_ATTRIBUTES.has(k)));
  const commit = (next: Metadata) => {
    if (impl.persists) image.properties = new Map(Object.entries(glanceView(next)));
  };
  switch (op) {
    case 'list':
      return send(ref, rq, status, impl.imageListBody(current));
    case 'show': {
      const found = impl.lookup(current, key!);
      if (found === undefined) throw new Fault(impl.absentKeyStatus('show'), 'The resource could not be found.');
      return send(ref, rq, status, impl.imageItemBody(found, current[found]!));
    }
    case 'replaceAll': {
      // update_all counts the request map
      checkImageQuota(requested!);
      const next = impl.imageReplaceAll(current, requested!);
      commit(next);
      return send(ref, rq, status, impl.replaceBody(requested!, next));
    }
    case 'merge': {
      const next = impl.imageMerge(current, requested!);
      checkImageQuota(next);
      commit(next);
      return send(ref, rq, status, impl.imageMergeBody(requested!, glanceView(next)));
    }
    case 'setItem': {
      const [bodyKey, value] = Object.entries(requested!)[0]!;
      const next = impl.setItem(current, key!, value);
      checkImageQuota(next);
      commit(next);
      return send(ref, rq, status, impl.imageItemBody(bodyKey, value));
    }
    case 'deleteItem': {
      const found = impl.lookup(current, key!);
      if (found === undefined && impl.imageDeleteChecksKey) throw new Fault(impl.absentKeyStatus('deleteItem'), 'Invalid metadata key');
      commit(impl.deleteItem(current, found ?? key!));
      return send(ref, rq, status, undefined);
    }
  }
}

/**
 * nova/api/openstack/compute/images.py ImagesController.show: the image show proxy (GET /images/{id}),
 * removed at microversion 2.36 on /v2.1 (ground truth J32a, J32, J33). Only show is modelled.
 */
import type { ReferenceContext, RequestContext } from '../context.ts';
import { Fault } from '../faults.ts';
import { compareVersion } from '../microversion.ts';
import { send } from '../wsgi.ts';

export function showImage(ref: ReferenceContext, rq: RequestContext, imageId: string): void {
  if (rq.api === 'v2.1' && compareVersion(rq.version, [2, 35]) > 0) throw new Fault(404, 'The resource could not be found.');
  const image = ref.store.images.get(imageId);
  if (!image) throw new Fault(404, 'Image not found.');
  send(ref, rq, 200, { image: { id: image.id, name: image.id, status: 'ACTIVE', progress: 100, minDisk: 0, minRam: 0, metadata: Object.fromEntries(image.properties), links: [] } });
}

/**
 * nova/api/openstack/compute/limits.py LimitsController.index (and views/limits.py): the absolute limits,
 * of which the suite reads maxServerMeta and maxImageMeta (the metadata_items quota).
 */
import type { ReferenceContext, RequestContext } from '../context.ts';
import { send } from '../wsgi.ts';

export function limits(ref: ReferenceContext, rq: RequestContext): void {
  const { quota } = ref;
  send(ref, rq, 200, { limits: { rate: [], absolute: { maxServerMeta: quota, maxImageMeta: quota, maxPersonality: 5, maxPersonalitySize: 10240 } } });
}

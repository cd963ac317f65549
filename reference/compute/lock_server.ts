/**
 * nova/api/openstack/compute/lock_server.py LockServerController (_lock, _unlock): the two server actions
 * the reference serves at POST /servers/{id}/action (202, empty body). Any other action is refused.
 */
import type { ReferenceContext, RequestContext } from '../context.ts';
import { Fault } from '../faults.ts';
import { requestIds } from '../wsgi.ts';
import { findServer } from './common.ts';

export function serverAction(ref: ReferenceContext, rq: RequestContext, serverId: string, body: unknown): void {
  const server = findServer(ref, serverId);
  const action = body && typeof body === 'object' && !Array.isArray(body) ? Object.keys(body)[0] : undefined;
  if ((action === 'lock' || action === 'unlock') && !ref.impl.servesLock) throw new Fault(400, `Unsupported server action '${action}' in this implementation`);
  if (action === 'lock') server.locked = true;
  else if (action === 'unlock') server.locked = false;
  else throw new Fault(400, `Unsupported server action '${action ?? ''}' in the reference implementation`);
  rq.res.writeHead(202, { ...requestIds(ref, rq, 202), 'content-length': '0' });
  rq.res.end();
}

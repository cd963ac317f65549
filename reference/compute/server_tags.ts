/**
 * nova/api/openstack/compute/server_tags.py ServerTagsController (microversion 2.26): index, show, update,
 * update_all, delete, delete_all on /servers/{server_id}/tags[/{tag}], with its schemas
 * (compute/schemas/server_tags.py, api/validation/parameter_types.py `tag`) and the tags table of
 * nova/db/main/api.py (instance_tag_*). Mutant-free: no Implementation hook changes what it does.
 *
 * Order of a request, as Nova's decorators and method bodies run it:
 *  1. @api_version("2.26"): below it the method does not exist, 404 "The resource could not be found."
 *     (wsgi.Resource.dispatch, VersionNotFoundForAPIMethod). /v2 (LegacyV2CompatibleWrapper) drops the
 *     microversion headers, so a /v2 request is always at 2.1: tags are 404 there.
 *  2. @validation.schema: update_all's body ({"tags": [tag, …]}, at most 50), update's (none: null).
 *  3. _get_instance_mapping: no mapping → 404 "Instance … has no mapping to a cell." (a deleted server
 *     keeps its mapping and is then "could not be found").
 *  4. context.can(os_compute_api:os-server-tags:<action>, target project = the mapping's): another
 *     project's server → 403; a reader may index and show only.
 *  5. writes: _check_instance_in_valid_state, vm_state only (active, paused, suspended, stopped) → 409
 *     "Cannot '<update tag|update tags|delete tag|delete tags>' instance … while it is in vm_state …".
 *     No lock check (no @check_instance_lock): a locked server takes tag writes.
 *  6. update only: the URL tag against the tag schema (400 "Tag '…' is invalid. …"), then the count
 *     (≥ 50 tags already → 400, even when the tag exists), then 204 if it exists, else 201 + Location.
 */
import type { ReferenceContext, RequestContext } from '../context.ts';
import { Fault } from '../faults.ts';
import { compareVersion, type Version } from '../microversion.ts';
import { pyRepr, pyStr } from '../python.ts';
import type { RouteOf } from '../router.ts';
import { WRITABLE_VM_STATES, type Server } from '../store.ts';
import { send } from '../wsgi.ts';

/** nova/objects/instance.py MAX_TAG_COUNT and nova/objects/tag.py MAX_TAG_LENGTH. */
export const MAX_TAG_COUNT = 50;
export const MAX_TAG_LENGTH = 60;
/** The microversion that added server tags (and the tags of the server view). */
export const TAGS_MIN_VERSION: Version = [2, 26];
/** parameter_types.tag's pattern. */
const TAG_PATTERN = '^[^,/]*$';

export type TagOperation = 'index' | 'show' | 'update' | 'update_all' | 'delete' | 'delete_all';

/** The action names in _check_instance_in_valid_state's message. */
const STATE_ACTIONS: Partial<Record<TagOperation, string>> = { update: 'update tag', update_all: 'update tags', delete: 'delete tag', delete_all: 'delete tags' };
const READS: readonly TagOperation[] = ['index', 'show'];

/** Whether a request's microversion serves tags (/v2 is always 2.1). */
export function tagsServed(rq: RequestContext): boolean {
  return rq.api === 'v2.1' && compareVersion(rq.version, TAGS_MIN_VERSION) >= 0;
}

/** A server's tags as Nova lists them (the tags table's primary key order: by tag). */
export function tagList(server: Server): string[] {
  return [...server.tags].sort();
}

/** jsonschema's error for one value against parameter_types.tag (Draft 4: type, minLength, maxLength, pattern), or undefined. */
function tagError(value: unknown): string | undefined {
  if (typeof value !== 'string') return `${pyRepr(value)} is not of type 'string'`;
  const length = [...value].length;
  if (length < 1) return `${pyRepr(value)} is too short`;
  if (length > MAX_TAG_LENGTH) return `${pyRepr(value)} is too long`;
  if (/[,/]/.test(value)) return `${pyRepr(value)} does not match ${pyRepr(TAG_PATTERN)}`;
  return undefined;
}

/** nova/api/validation/validators.py: an error with a path names its last element and the value. */
function fieldError(field: string | number, value: unknown, message: string): Fault {
  return new Fault(400, `Invalid input for field/attribute ${field}. Value: ${pyStr(value)}. ${message}`);
}

/**
 * A list of tags against {"type": "array", "items": tag, "maxItems": 50}, as a member `field` of a body
 * (update_all's `tags`, and the create schema's `server.tags` from 2.52). Returns the tags.
 */
export function validatedTags(field: string, value: unknown): string[] {
  if (!Array.isArray(value)) throw fieldError(field, value, `${pyRepr(value)} is not of type 'array'`);
  value.forEach((tag, index) => {
    const error = tagError(tag);
    if (error) throw fieldError(index, tag, error);
  });
  if (value.length > MAX_TAG_COUNT) throw fieldError(field, value, `${pyRepr(value)} is too long`);
  return value as string[];
}

/** schemas/server_tags.py update_all: {"tags": [...]} and nothing else. */
function validatedUpdateAll(body: unknown): string[] {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new Fault(400, `${pyRepr(body)} is not of type 'object'`);
  const members = body as Record<string, unknown>;
  const tags = Object.hasOwn(members, 'tags') ? validatedTags('tags', members.tags) : undefined;
  if (tags === undefined) throw new Fault(400, "'tags' is a required property");
  const extra = Object.keys(members).filter((k) => k !== 'tags').sort();
  if (extra.length) throw new Fault(400, `Additional properties are not allowed (${extra.map(pyRepr).join(', ')} ${extra.length === 1 ? 'was' : 'were'} unexpected)`);
  return tags;
}

/** The Location of a created tag (views/server_tags.py get_location: the server's href, then tags/{tag}). */
function location(ref: ReferenceContext, rq: RequestContext, serverId: string, tag: string): string {
  const host = `http://${rq.req.headers.host ?? '127.0.0.1'}`;
  // common.ViewBuilder._get_project_id: the project only when the request URL names it
  const project = (rq.req.url ?? '').includes(ref.projectId) ? `/${ref.projectId}` : '';
  // a header carries no character beyond printable ASCII: those are percent-encoded (Nova writes the tag as is)
  const safeTag = [...tag].map((ch) => (/^[\x21-\x7e]$/.test(ch) ? ch : encodeURIComponent(ch))).join('');
  return `${host}/v2.1${project}/servers/${serverId}/tags/${safeTag}`;
}

/** webob.Response(status_int=…) as update returns it: no body, webob's default Content-Type. */
const WEBOB_DEFAULT_CONTENT_TYPE = 'text/html; charset=UTF-8';

export function serverTags(ref: ReferenceContext, rq: RequestContext, route: RouteOf<'server-tags'>, body: unknown): void {
  const { op, serverId, tag } = route;
  // 1. @api_version("2.26")
  if (!tagsServed(rq)) throw new Fault(404, 'The resource could not be found.');
  // 2. @validation.schema
  const requested = op === 'update_all' ? validatedUpdateAll(body) : undefined;
  if (op === 'update' && body !== null) throw new Fault(400, `${pyRepr(body)} is not of type 'null'`);
  // 3. _get_instance_mapping
  const server = ref.store.servers.get(serverId);
  const owner = server?.projectId ?? ref.store.deletedServers.get(serverId);
  if (owner === undefined) throw new Fault(404, `Instance ${serverId} has no mapping to a cell.`);
  // 4. policy, against the mapping's project
  if (owner !== ref.projectId || (rq.role === 'reader' && !READS.includes(op))) {
    throw new Fault(403, `Policy doesn't allow os_compute_api:os-server-tags:${op} to be performed.`);
  }
  // the instance itself (compute API get / _check_instance_exists_in_project): a deleted one is gone
  if (!server) throw new Fault(404, `Instance ${serverId} could not be found.`);
  // 5. _check_instance_in_valid_state (writes)
  const action = STATE_ACTIONS[op];
  if (action && !(WRITABLE_VM_STATES as readonly string[]).includes(server.vmState)) {
    throw new Fault(409, `Cannot '${action}' instance ${serverId} while it is in vm_state ${server.vmState}`);
  }
  switch (op) {
    case 'index':
      return send(ref, rq, 200, { tags: tagList(server) });
    case 'show':
      if (!server.tags.has(tag!)) throw new Fault(404, `Server ${serverId} has no tag '${tag}'`);
      return send(ref, rq, 204, undefined);
    case 'update': {
      const error = tagError(tag);
      if (error) throw new Fault(400, `Tag '${tag}' is invalid. It must be a non empty string without characters '/' and ','. Validation error message: ${error}`);
      if (server.tags.size >= MAX_TAG_COUNT) throw new Fault(400, `The number of tags exceeded the per-server limit ${MAX_TAG_COUNT}`);
      if (server.tags.has(tag!)) return send(ref, rq, 204, undefined, WEBOB_DEFAULT_CONTENT_TYPE);
      server.tags.add(tag!);
      return send(ref, rq, 201, undefined, WEBOB_DEFAULT_CONTENT_TYPE, { location: location(ref, rq, serverId, tag!) });
    }
    case 'update_all':
      server.tags = new Set(requested);
      return send(ref, rq, 200, { tags: tagList(server) });
    case 'delete':
      if (!server.tags.delete(tag!)) throw new Fault(404, `Instance ${serverId} has no tag '${tag}'`);
      return send(ref, rq, 204, undefined);
    case 'delete_all':
      server.tags = new Set();
      return send(ref, rq, 204, undefined);
  }
}

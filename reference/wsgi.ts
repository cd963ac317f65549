/**
 * The WSGI layer, as nova/api/openstack/wsgi.py and the middleware in front of it shape every answer:
 * - Resource.__call__ / Resource._process_stack: the microversion of the request, the 415 gate on the
 *   request's Content-Type, the body deserialised (400 "Malformed request body"), the URL's project_id
 *   against the token's (400 "Malformed request URL"), the controller called, a Fault turned into the
 *   `{"<name>": {"code", "message"}}` envelope, and the microversion headers (OpenStack-API-Version,
 *   X-OpenStack-Nova-API-Version, Vary) on every answer of the API app on /v2.1;
 * - webob.exc's own pages for what never reaches the API app (a route miss, a 413 of the size limit);
 * - oslo.middleware: sizelimit (max_request_body_size → 413) and request_id (x-openstack-request-id and
 *   x-compute-request-id on every answer);
 * - OPTIONS, answered before the API app on any path.
 * What the implementation decides (statuses, envelopes, headers a mutant alters) comes from ref.impl.
 */
import type { IncomingMessage } from 'node:http';
import { Fault } from './faults.ts';
import type { ReferenceContext, RequestContext } from './context.ts';
import { formatVersion, type Version } from './microversion.ts';

/** oslo.middleware sizelimit default (max_request_body_size). */
export const MAX_BODY_BYTES = 114688;

/** oslo.middleware request_id: the request-id headers of an answer (the implementation says which, and when). */
export function requestIds(ref: ReferenceContext, rq: RequestContext, status: number): Record<string, string> {
  return ref.impl.requestIdOn(status) ? ref.impl.requestIdHeaders(rq.requestId) : {};
}

/** An answer of the API app (ResponseObject.serialize, then the microversion headers of _process_stack). */
export function send(ref: ReferenceContext, rq: RequestContext, status: number, body: unknown, contentType = ref.impl.successContentType, extraHeaders: Record<string, string> = {}): void {
  const { impl } = ref;
  const headers: Record<string, string | string[]> = { ...requestIds(ref, rq, status), ...extraHeaders };
  if (rq.app && impl.sendsVersionHeaders(rq.api)) {
    headers['openstack-api-version'] = `compute ${formatVersion(rq.version)}`;
    headers['x-openstack-nova-api-version'] = formatVersion(rq.version);
    headers['vary'] = ['OpenStack-API-Version', 'X-OpenStack-Nova-API-Version'];
  }
  const text = body === undefined ? '' : JSON.stringify(impl.finishBody(rq.api, body));
  headers['content-type'] = contentType;
  headers['content-length'] = String(Buffer.byteLength(text));
  rq.res.writeHead(status, headers);
  rq.res.end(text);
}

/** wsgi.Fault: the Nova error envelope. */
export function sendFault(ref: ReferenceContext, rq: RequestContext, status: number, message: string): void {
  send(ref, rq, status, ref.impl.faultBody(status, message), 'application/json; charset=UTF-8');
}

/** webob's default page for a route miss or a middleware error: not the Nova envelope. */
export function sendWebob(ref: ReferenceContext, rq: RequestContext, status: number, title: string, detail: string): void {
  const accept = String(rq.req.headers['accept'] ?? '');
  const headers = { ...requestIds(ref, rq, status) };
  if (accept.includes('application/json')) {
    const text = JSON.stringify({ message: `${detail}<br /><br />\n\n\n`, code: `${status} ${title}`, title });
    rq.res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
    rq.res.end(text);
  } else {
    const text = `${status} ${title}\n\n${detail}\n\n`;
    rq.res.writeHead(status, { ...headers, 'content-type': 'text/plain; charset=UTF-8', 'content-length': String(Buffer.byteLength(text)) });
    rq.res.end(text);
  }
}

/** webob.exc.HTTPNotFound's page: what a path no route matches gets. */
export function routeMiss(ref: ReferenceContext, rq: RequestContext): void {
  sendWebob(ref, rq, 404, 'Not Found', 'The resource could not be found.');
}

/** Reads the request body; more than max_request_body_size is 'too-large'. */
export async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** oslo.middleware sizelimit: webob's 413 page, before anything else looks at the request. */
export function tooLarge(ref: ReferenceContext, rq: RequestContext): void {
  rq.req.resume();
  sendWebob(ref, rq, 413, 'Request Entity Too Large', `Request is too large. Larger than max_request_body_size (${MAX_BODY_BYTES}).`);
}

/** OPTIONS is answered before the API app on any path: 200, empty, no Nova headers (ground truth H6). */
export function options(rq: RequestContext): void {
  rq.res.writeHead(200, { 'content-length': '0' });
  rq.res.end();
}

/** What Resource needs to know of the matched route. */
export interface ResourceCall {
  /** The request body as read (already within the size limit). */
  raw: Buffer;
  /** The project_id segment of the URL, when it has one. */
  urlProject: string | undefined;
  /** What an empty PUT/POST body becomes (Nova: None). */
  emptyBody: unknown;
  /** The controller method, with the deserialised body. */
  controller(body: unknown): void | Promise<void>;
}

/**
 * nova/api/openstack/wsgi.py Resource.__call__ and _process_stack: microversion (400 malformed, 406 out of
 * range), Accept and Content-Type (415), the body (400 malformed), the URL's project_id (400), then the
 * controller; a Fault anywhere becomes the error envelope.
 */
export async function resource(ref: ReferenceContext, rq: RequestContext, call: ResourceCall): Promise<void> {
  const { impl } = ref;
  const { req } = rq;
  const method = req.method ?? 'GET';
  rq.app = true;
  try {
    if (rq.api === 'v2.1') {
      try {
        rq.version = impl.requestedVersion(req.headers);
      } catch (e) {
        const echo = (e as { echo?: Version }).echo;
        if (echo) rq.version = echo;
        // a malformed version never becomes the request's: that 400 carries no version headers (I6)
        else rq.app = false;
        throw e;
      }
    }
    const accept = String(req.headers['accept'] ?? '');
    if (impl.refusesXmlAccept && accept.includes('xml') && !accept.includes('json')) throw new Fault(406, 'Not Acceptable');
    const contentType = String(req.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (contentType === 'multipart/form-data') throw new Fault(500, impl.unexpectedErrorMessage);
    if (!impl.acceptsContentType(contentType, method)) throw new Fault(415, 'Unsupported Content-Type');
    let body: unknown = null;
    if (impl.methodsWithBody.includes(method)) {
      if (call.raw.length === 0) body = call.emptyBody;
      else {
        try {
          // ignoreBOM keeps a leading BOM in the text, so it is malformed JSON as in Nova (jsonutils.loads)
          body = impl.parseJson(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(call.raw));
        } catch {
          throw new Fault(impl.malformedBodyStatus, 'Malformed request body');
        }
      }
    }
    if (impl.projectMismatchStatus && call.urlProject !== undefined && call.urlProject !== ref.projectId) {
      throw new Fault(impl.projectMismatchStatus, `Malformed request URL: URL's project_id '${call.urlProject}' doesn't match Context's project_id '${ref.projectId}'`);
    }
    await call.controller(body);
  } catch (e) {
    if (e instanceof Fault) return sendFault(ref, rq, e.status, e.message);
    throw e;
  }
}

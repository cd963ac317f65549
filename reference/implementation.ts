import type { Profile } from '../profiles/index.ts';
import type { Operation } from '../profiles/types.ts';
import { keyRegExp } from '../profiles/index.ts';
import { faultName } from './faults.ts';
import { requestedVersion, type Version } from './microversion.ts';
import type { Metadata } from '../lib/protocol.ts';

export type { Operation };

/**
 * The decisions the reference makes, each one small and replaceable. The correct implementation is
 * `correctImplementation(profile)`; a fault-injected variant (mutant) overrides one or two of them.
 */
export interface Implementation {
  profile: Profile;
  /** Key rule for request bodies. */
  keyValid(key: string): boolean;
  /** Whether a value has an acceptable JSON type. */
  valueTypeValid(value: unknown): boolean;
  /** Length of a value as the limit counts it. */
  valueLength(value: string): number;
  /** Most properties a `meta` body may hold. */
  maxItemProperties: number;
  /** What a valid request key and value become when stored. */
  storedKey(key: string): string;
  storedValue(value: string): string;
  /** Legacy v2 (/v2) drops extra top-level members instead of rejecting them. */
  legacyDropsExtraMembers: boolean;
  /** The new set after each write. */
  replaceAll(current: Metadata, requested: Metadata): Metadata;
  merge(current: Metadata, requested: Metadata): Metadata;
  setItem(current: Metadata, key: string, value: string): Metadata;
  deleteItem(current: Metadata, key: string): Metadata;
  /** Whether a write is stored (a mutant may only echo it). */
  persists: boolean;
  /** Finds the stored key a URL key addresses. */
  lookup(current: Metadata, key: string, op?: 'show' | 'deleteItem'): string | undefined;
  /** Response bodies. */
  collectionBody(map: Metadata): unknown;
  replaceBody(requested: Metadata, stored: Metadata): unknown;
  mergeBody(requested: Metadata, stored: Metadata): unknown;
  itemBody(key: string, value: string): unknown;
  /** Success status of each operation. */
  successStatus(op: Operation, api: string): number;
  /** Error envelope for a status and message. */
  faultBody(status: number, message: string): unknown;
  /** Status for a URL project_id other than the token's (Nova: 400). */
  projectMismatchStatus: number;
  /** Status for an absent key on show and delete. */
  absentKeyStatus(op: 'show' | 'deleteItem'): number;
  /** Whether the URL key must equal the body key on PUT item. */
  checksUriBodyMismatch: boolean;
  /** Item-count limit per server (metadata_items quota); `limit + offByOne` items are still allowed. */
  quotaOffByOne: number;
  enforcesQuota: boolean;
  enforcesLock: boolean;
  enforcesVmState: boolean;
  /** Request-id response headers. */
  requestIdHeaders(requestId: string): Record<string, string>;
  /** Success Content-Type. */
  successContentType: string;
  /** Last microversion that serves the image-metadata proxy. */
  maxImageProxyMicroversion: [number, number];
  /** Final hook over a response body for one API base (parity mutants alter one base only). */
  finishBody(api: string, body: unknown): unknown;

  // --- hooks added for requests (keys, values, bodies, content types) ---
  /** /v2.1 drops extra top-level members instead of rejecting them (Nova: false, it rejects). */
  strictDropsExtraMembers: boolean;
  /** Envelope members a write body may use, in order of preference ('metadata' for collections, 'meta' for an item). */
  acceptedEnvelopes(kind: 'collection' | 'item'): readonly string[];
  /** Whether a request media type (lower-level parameters removed) passes the 415 gate for a method. */
  acceptsContentType(type: string, method: string): boolean;
  /** Parses a request body text as JSON (throws on malformed input). */
  parseJson(text: string): unknown;
  /** Status of a body that does not parse (Nova: 400 "Malformed request body"). */
  malformedBodyStatus: number;
  /** Methods whose body is deserialised; other methods' bodies are ignored. */
  methodsWithBody: readonly string[];
  /** What an absent or empty PUT/POST body becomes (Nova: None). */
  emptyBody(kind: 'collection' | 'item'): unknown;
  /** The metadata key an item URL addresses, from its percent-decoded path segment. */
  urlKey(segment: string): string;
  /** The map a list answers for a query string (Nova: the whole map, queries ignored). */
  listView(map: Metadata, query: URLSearchParams): Metadata;

  // --- hooks added for access (auth, quota, lock, state) ---
  /** Whether a request's X-Auth-Token authenticates it (undefined: no token). */
  authenticates(token: string | undefined, expected: string): boolean;
  /** Body of the 401 (keystonemiddleware's by default). */
  unauthorizedBody(): unknown;
  /** Status of an over-quota write (the profile's). */
  quotaStatus: number;
  /** Item count the quota is checked against for a write, or undefined when the write is not checked. */
  quotaCount(op: Operation, current: Metadata, next: Metadata): number | undefined;
  /** Whether a write is stored before its quota check (so a rejected write sticks). */
  storesBeforeQuotaCheck: boolean;
  /** Whether reads are refused (409) on a locked server / a server in a vm_state that forbids writes. */
  readsCheckLock: boolean;
  readsCheckVmState: boolean;
  /** Whether DELETE item checks lock and state before the key exists. */
  lockCheckedBeforeKeyLookup: boolean;
  /** Whether an unknown server is reported (404) or treated as a server without metadata. */
  checksServerExists: boolean;
  /** Whether servers of other projects are invisible (404). */
  projectScoped: boolean;
  /** Whether writes on a server that never launched are refused (409). */
  enforcesLaunched: boolean;

  // --- hooks added for protocol (headers, microversions, methods, routing) ---
  /** Microversion a /v2.1 request asks for (throws a Fault for an invalid or unsupported one). */
  requestedVersion(headers: Record<string, string | string[] | undefined>): Version;
  /** Whether a response of the API app on this base carries the microversion headers. */
  sendsVersionHeaders(api: string): boolean;
  /** Success status at a microversion (Nova: the same at every microversion). */
  versionedStatus(op: Operation, version: Version, status: number): number;
  /** Whether request-id headers are sent with a response of this status. */
  requestIdOn(status: number): boolean;
  /** Whether Accept: application/xml is refused with 406 instead of answered with JSON. */
  refusesXmlAccept: boolean;
  /** Whether the routes without the project segment exist. */
  routesWithoutProject: boolean;
  /** What an unsupported method on a metadata URL gets: a route miss (Nova), 405, a 500, or DELETE on the collection clears it. */
  unsupportedMethod: 'route-miss' | 'method-not-allowed' | 'server-error' | 'delete-clears';
  /** Whether the body schema is checked before the server lookup (Nova) or after it. */
  validatesBeforeLookup: boolean;
  /** Message of a 500 computeFault (Nova 26.2.2 answers a multipart/form-data body with one). */
  unexpectedErrorMessage: string;

  // --- hooks added for the image-metadata proxy ---
  /** /v2 applies the microversion header to the image proxy (Nova: no, /v2 always behaves as 2.1). */
  imageProxyVersionedOnV2: boolean;
  /** The image's new property set after replace-all and merge (Glance's view). */
  imageReplaceAll(current: Metadata, requested: Metadata): Metadata;
  imageMerge(current: Metadata, requested: Metadata): Metadata;
  /** Body of a list of the image's properties. */
  imageListBody(map: Metadata): unknown;
  /** Body of a merge on the image (Nova: the resulting property set). */
  imageMergeBody(requested: Metadata, stored: Metadata): unknown;
  /** Body of show and set item on the image. */
  imageItemBody(key: string, value: string): unknown;
  /** Whether request bodies on the image proxy are validated (Nova: the server-metadata schemas). */
  imageValidates: boolean;
  /** Whether PUT item checks the URI/body mismatch before looking the image up (Nova: yes). */
  imageMismatchBeforeLookup: boolean;
  /** Whether an unknown image is a 404 (otherwise it behaves as an image without properties). */
  imageChecksExistence: boolean;
  /** Whether DELETE of a property the image does not have is a 404. */
  imageDeleteChecksKey: boolean;
  /** Most properties an image may hold, given the `metadata_items` quota (maxImageMeta). */
  imagePropertyLimit(quota: number): number;

  // --- operations served (targets that implement part of the API) ---
  /** Whether an operation on a resource's metadata is routed at all; one that is not is a route miss (webob 404). */
  routes(op: Operation, resource: 'servers' | 'images'): boolean;
  /** Whether the lock and unlock server actions are served (otherwise 400, an unsupported action). */
  servesLock: boolean;

  // --- hook added for sequence mutants (reference/mutants/sequences.ts) ---
  /**
   * The implementation that serves one server's metadata requests: a fault that shows only after a sequence
   * keeps its state per server here. Absent (Nova): every server is served alike, by this implementation.
   */
  forServer?(serverId: string): Implementation;
}

/** Content types Nova accepts on a request, any method (nova/api/openstack/wsgi.py:Request.get_content_type); compared case-sensitively. */
export const ACCEPTED_CONTENT_TYPES: ReadonlySet<string> = new Set(['', 'text/plain', 'application/json', 'application/vnd.openstack.compute+json']);

export function codePoints(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

export function correctImplementation(profile: Profile): Implementation {
  const key = keyRegExp(profile);
  return {
    profile,
    keyValid: (k) => key.test(k) && codePoints(k) >= profile.keys.minLength && codePoints(k) <= profile.keys.maxLength,
    valueTypeValid: (v) => typeof v === 'string',
    valueLength: codePoints,
    maxItemProperties: 1,
    storedKey: (k) => k,
    storedValue: (v) => v,
    legacyDropsExtraMembers: true,
    replaceAll: (_current, requested) => ({ ...requested }),
    merge: (current, requested) => ({ ...current, ...requested }),
    setItem: (current, k, v) => ({ ...current, [k]: v }),
    deleteItem: (current, k) => Object.fromEntries(Object.entries(current).filter(([key]) => key !== k)),
    persists: true,
    lookup: (current, k) => (Object.hasOwn(current, k) ? k : undefined),
    collectionBody: (map) => ({ metadata: map }),
    replaceBody: (requested) => ({ metadata: requested }),
    mergeBody: (_requested, stored) => ({ metadata: stored }),
    itemBody: (k, v) => ({ meta: { [k]: v } }),
    successStatus: (op) => (op === 'deleteItem' ? 204 : 200),
    faultBody: (status, message) => ({ [faultName(status)]: { code: status, message } }),
    projectMismatchStatus: 400,
    absentKeyStatus: () => 404,
    checksUriBodyMismatch: true,
    quotaOffByOne: 0,
    enforcesQuota: true,
    enforcesLock: true,
    enforcesVmState: true,
    requestIdHeaders: (id) => ({ 'x-compute-request-id': id, 'x-openstack-request-id': id }),
    successContentType: 'application/json',
    maxImageProxyMicroversion: [2, 38],
    finishBody: (_api, body) => body,

    // --- requests ---
    strictDropsExtraMembers: false,
    acceptedEnvelopes: (kind) => (kind === 'collection' ? ['metadata'] : ['meta']),
    acceptsContentType: (type) => ACCEPTED_CONTENT_TYPES.has(type),
    parseJson: (text) => JSON.parse(text) as unknown,
    malformedBodyStatus: 400,
    methodsWithBody: ['PUT', 'POST'],
    emptyBody: () => null,
    urlKey: (segment) => segment,
    listView: (map) => map,

    // --- access ---
    authenticates: (token, expected) => token === expected,
    unauthorizedBody: () => ({ error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } }),
    quotaStatus: profile.quota.status,
    quotaCount: (_op, _current, next) => (Object.keys(next).length === 0 ? undefined : Object.keys(next).length),
    storesBeforeQuotaCheck: false,
    readsCheckLock: false,
    readsCheckVmState: false,
    lockCheckedBeforeKeyLookup: false,
    checksServerExists: true,
    projectScoped: true,
    enforcesLaunched: true,

    // --- protocol ---
    requestedVersion,
    sendsVersionHeaders: (api) => api === 'v2.1',
    versionedStatus: (_op, _version, status) => status,
    requestIdOn: () => true,
    refusesXmlAccept: false,
    routesWithoutProject: true,
    unsupportedMethod: 'route-miss',
    validatesBeforeLookup: true,
    unexpectedErrorMessage: "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.\n<class 'AttributeError'>",

    // --- image ---
    imageProxyVersionedOnV2: false,
    imageReplaceAll: (_current, requested) => ({ ...requested }),
    imageMerge: (current, requested) => ({ ...current, ...requested }),
    imageListBody: (map) => ({ metadata: map }),
    imageMergeBody: (_requested, stored) => ({ metadata: stored }),
    imageItemBody: (k, v) => ({ meta: { [k]: v } }),
    imageValidates: true,
    imageMismatchBeforeLookup: true,
    imageChecksExistence: true,
    imageDeleteChecksKey: true,
    imagePropertyLimit: (quota) => quota,

    // --- operations served ---
    routes: () => true,
    servesLock: true,
  };
}

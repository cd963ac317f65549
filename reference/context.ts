import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Implementation } from './implementation.ts';
import type { Keystone } from './keystone.ts';
import type { Version } from './microversion.ts';
import type { Store } from './store.ts';

/** The API base a request came in on: the legacy v2 compatible app or v2.1. */
export type Api = 'v2' | 'v2.1';

/**
 * What one reference instance holds between requests: the deployment (its implementation, in-memory store,
 * Keystone, tokens, quota and the one project). Passed explicitly to the WSGI layer, the router and every
 * controller.
 */
export interface ReferenceContext {
  impl: Implementation;
  store: Store;
  keystone: Keystone;
  /** The static token of a member of the project (accepted without Keystone). */
  token: string;
  /** The static token of a reader-only user of the same project (policy: reads only). */
  readerToken: string;
  projectId: string;
  /** The metadata_items quota (maxServerMeta, maxImageMeta). */
  quota: number;
}

/** One request on its way through the pipeline: webob's Request with what the middleware learnt about it. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  api: Api;
  version: Version;
  /** Whether the response comes from the API app (and so carries microversion headers on /v2.1). */
  app: boolean;
  /** The request's query string (Nova's metadata routes ignore it). */
  query: URLSearchParams;
  /** The caller's role: a member (the main token) or a reader. */
  role: 'member' | 'reader';
}

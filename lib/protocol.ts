/** Protocol facts shared by the suite and the reference implementation (one place each). */

/** A metadata set, key → value: a server's metadata, or an image's properties through the proxy. The one definition. */
export type Metadata = Record<string, string>;

/** Request header that carries the token. */
export const AUTH_TOKEN_HEADER = 'X-Auth-Token';

/** Nova's fault names by status (nova/api/openstack/wsgi.py:Fault._fault_names); anything else is computeFault. */
export const FAULT_NAMES: Readonly<Record<number, string>> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  409: 'conflictingRequest',
  413: 'overLimit',
  415: 'badMediaType',
  429: 'overLimit',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

export function faultName(status: number): string {
  return FAULT_NAMES[status] ?? 'computeFault';
}

/** Microversion response headers on /v2.1 (nova/api/openstack/wsgi.py). */
export const MICROVERSION_HEADERS = ['openstack-api-version', 'x-openstack-nova-api-version'] as const;

import { vendor } from '../catalogue/sources.ts';
import { nova } from './nova.ts';
import type { Profile } from './types.ts';

/**
 * Fujitsu K5 style compute API, drawn from the page "Show server metadata item details" whose text is the NTT
 * Communications SDPF page (vendor.nttShowItem; no public K5 page documents the metadata API). Key charset is
 * not stated there: Nova's applies.
 */
export const fujitsuK5: Profile = {
  ...nova,
  name: 'fujitsu-k5',
  title: 'Fujitsu K5 (seed 002)',
  source: `${vendor.nttShowItem}; Nova rules where the document is silent`,
  bases: ['v2'],
  imageOperations: { list: false, show: false, replaceAll: false, merge: false, setItem: false, deleteItem: false },
  values: {
    ...nova.values,
    minLength: 1,
  },
  quota: { ...nova.quota, status: 413, fault: 'overLimit' },
  requestId: {
    ...nova.requestId,
    headers: ['x-compute-request-id'],
  },
  deviations: [
    { fact: 'bases', source: `${vendor.nttShowItem}: HTTP Request Path {api_endpoint}/v2/{tenant_id}/servers/{server_id}/metadata/{metadata_key} (no /v2.1)` },
    ...(['list', 'show', 'replaceAll', 'merge', 'setItem', 'deleteItem'] as const).map((op) => ({ fact: `imageOperations.${op}`, source: `${vendor.nttShowItem}: the server-metadata API only; no image-metadata API is documented` })),
    { fact: 'values.minLength', source: `${vendor.nttShowItem}: metadata_value String(1-255 characters)` },
    { fact: 'quota.status', source: `${vendor.nttShowItem}: the response codes list 413 overLimit` },
    { fact: 'quota.fault', source: `${vendor.nttShowItem}: 413 overLimit` },
    { fact: 'requestId.headers', source: `${vendor.nttShowItem}: X-Compute-Request-ID is the documented response header` },
  ],
};

import { nova } from './nova.ts';
import type { Profile } from './types.ts';

/**
 * Fujitsu K5 style compute API (seed 002: "Show server metadata item details"; its text is the NTT SDPF page,
 * behaviours.md Q-SEED002-ORIGIN). Key charset is not stated there: Nova's applies.
 */
export const fujitsuK5: Profile = {
  ...nova,
  name: 'fujitsu-k5',
  title: 'Fujitsu K5 (seed 002)',
  source: 'seeds/002_3ded3440ffba0367.txt; Nova rules where the document is silent',
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
    { fact: 'bases', source: 'seeds/002_3ded3440ffba0367.txt: HTTP Request Path {api_endpoint}/v2/{tenant_id}/servers/{server_id}/metadata/{metadata_key} (no /v2.1)' },
    ...(['list', 'show', 'replaceAll', 'merge', 'setItem', 'deleteItem'] as const).map((op) => ({ fact: `imageOperations.${op}`, source: 'seeds/002_3ded3440ffba0367.txt documents the server-metadata API only; no image-metadata API is documented' })),
    { fact: 'values.minLength', source: 'seeds/002_3ded3440ffba0367.txt: metadata_value String(1-255 characters) (behaviours.md Q-EMPTYVAL)' },
    { fact: 'quota.status', source: 'seeds/002_3ded3440ffba0367.txt: response codes list 413 overLimit (behaviours.md Q-QUOTA)' },
    { fact: 'quota.fault', source: 'seeds/002_3ded3440ffba0367.txt: 413 overLimit' },
    { fact: 'requestId.headers', source: 'seeds/002_3ded3440ffba0367.txt: X-Compute-Request-ID is the documented response header' },
  ],
};

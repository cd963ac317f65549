import { nova } from './nova.ts';
import type { Profile } from './types.ts';

/** Rackspace Cloud Servers v2 (seed 004 and the Rackspace API docs, behaviours.md RS). */
export const rackspace: Profile = {
  ...nova,
  name: 'rackspace',
  title: 'Rackspace Cloud Servers v2',
  source: 'seeds/004_ed7cdb9cc7a6d43a.txt; rackerlabs/docs-cloud-servers api-reference (behaviours.md RS); Nova rules where the documents are silent',
  bases: ['v2'],
  imageOperations: { ...nova.imageOperations, replaceAll: false },
  quota: { status: 413, fault: 'overLimit', defaultLimit: 40 },
  requestId: {
    ...nova.requestId,
    headers: ['x-compute-request-id'],
  },
  deviations: [
    { fact: 'bases', source: 'Rackspace docs: /v2/{tenant_id}/servers/{server_id}/metadata (behaviours.md §1.17)' },
    { fact: 'imageOperations.replaceAll', source: 'seeds/004_ed7cdb9cc7a6d43a.txt and Rackspace docs: image metadata has GET, GET item, POST, PUT item and DELETE, no PUT on the collection (behaviours.md Q-IMG-VENDOR)' },
    { fact: 'quota.status', source: 'Rackspace docs: exceeding maxServerMeta "throws an overLimit (413) fault" (behaviours.md Q-QUOTA)' },
    { fact: 'quota.fault', source: 'Rackspace docs faults.rst: overLimit (413)' },
    { fact: 'quota.defaultLimit', source: 'Rackspace docs limits.rst: maxServerMeta and maxImageMeta default 40' },
    { fact: 'requestId.headers', source: 'seeds/004_ed7cdb9cc7a6d43a.txt: X-Compute-Request-Id is the documented response header' },
  ],
};

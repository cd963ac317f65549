import { rackspaceImageShowItem, vendor } from '../catalogue/sources.ts';
import { nova } from './nova.ts';
import type { Profile } from './types.ts';

/** Rackspace Cloud Servers v2 (its API documentation, cited by its source repository at a fixed commit). */
export const rackspace: Profile = {
  ...nova,
  name: 'rackspace',
  title: 'Rackspace Cloud Servers v2',
  source: `${vendor.rackspace('api-reference/methods/', 'the metadata operations')}; Nova rules where the documents are silent`,
  bases: ['v2'],
  imageOperations: { ...nova.imageOperations, replaceAll: false },
  quota: { status: 413, fault: 'overLimit', defaultLimit: 40 },
  requestId: {
    ...nova.requestId,
    headers: ['x-compute-request-id'],
  },
  deviations: [
    { fact: 'bases', source: `${vendor.rackspace('general-api-info/service-access.rst', 'service access endpoints')}: every endpoint is https://{region}.servers.api.rackspacecloud.com/v2/$TENANT_ID/ (no /v2.1)` },
    { fact: 'imageOperations.replaceAll', source: `${vendor.rackspace('api-reference/methods/', 'image metadata')}: GET, GET item, POST, PUT item and DELETE are documented, no PUT on the collection` },
    { fact: 'quota.status', source: `${vendor.rackspace('api-reference/methods/post-updates-server-metadata-servers-server-id-metadata.rst', '"Update server metadata items"')}: exceeding maxServerMeta "throws an overLimit (413) fault"` },
    { fact: 'quota.fault', source: `${vendor.rackspace('general-api-info/faults.rst', 'faults')}: overLimit (413)` },
    { fact: 'quota.defaultLimit', source: `${vendor.rackspace('general-api-info/limits.rst', 'absolute limits')}: maxServerMeta and maxImageMeta default 40` },
    { fact: 'requestId.headers', source: `${rackspaceImageShowItem}: X-Compute-Request-Id is the documented response header` },
  ],
};

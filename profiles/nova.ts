import { nova as novaSource } from '../catalogue/sources.ts';
import type { Profile } from './types.ts';

/** Upstream Nova, Zed (26.x) and later: the rules every other profile is compared with. */
export const nova: Profile = {
  name: 'nova',
  title: 'Upstream OpenStack Nova (Zed 26.x and later)',
  source: `${novaSource('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController')}; ${novaSource('nova/api/validation/parameter_types.py', 'metadata')}`,
  bases: ['v2', 'v2.1'],
  keys: {
    pattern: '^[a-zA-Z0-9-_:. ]{1,255}$',
    minLength: 1,
    maxLength: 255,
  },
  values: {
    minLength: 0,
    maxLength: 255,
  },
  requestBody: { maxBytes: 114688 },
  success: {
    read: [200, 203],
    write: [200],
    delete: [204],
  },
  operations: {
    list: true,
    show: true,
    replaceAll: true,
    merge: true,
    setItem: true,
    deleteItem: true,
  },
  imageOperations: {
    list: true,
    show: true,
    replaceAll: true,
    merge: true,
    setItem: true,
    deleteItem: true,
  },
  quota: { status: 403, fault: 'forbidden', defaultLimit: 128 },
  unsupportedMethod: [404, 405],
  requestId: {
    headers: ['x-compute-request-id', 'x-openstack-request-id'],
    pattern: '^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
  },
  deviations: [],
};

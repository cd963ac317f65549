import { vendor } from '../catalogue/sources.ts';
import { nova } from './nova.ts';
import type { Profile } from './types.ts';

/**
 * Huawei Cloud ECS "native OpenStack Nova APIs" (its metadata management pages, cited by URL and topic id).
 * Where the documents are silent (quota status, 405, success codes of writes) Nova's rule applies.
 */
export const huaweiEcs: Profile = {
  ...nova,
  name: 'huawei-ecs',
  title: 'Huawei Cloud ECS (native OpenStack Nova APIs)',
  source: `${vendor.huaweiShowItem}; ${vendor.huaweiList}; ${vendor.huaweiReplaceAll}; Nova rules where the documents are silent`,
  keys: {
    ...nova.keys,
    pattern: '^[a-zA-Z0-9-_:.]{1,255}$',
  },
  imageOperations: { list: true, show: false, replaceAll: false, merge: false, setItem: false, deleteItem: false },
  requestId: {
    ...nova.requestId,
    headers: ['x-compute-request-id'],
  },
  deviations: [
    {
      fact: 'keys.pattern',
      source: `${vendor.huaweiReplaceAll}: a key "can contain letters in upper or lower cases, digits, hyphens (-), underscores (_), colons (:), and periods (.)" — no space`,
    },
    ...(['show', 'replaceAll', 'merge', 'setItem', 'deleteItem'] as const).map((op) => ({
      fact: `imageOperations.${op}`,
      source: `${vendor.huaweiImageList}: the image-metadata proxy is "(Discarded)" and only its GET (query) is documented`,
    })),
    {
      fact: 'requestId.headers',
      source: `${vendor.nttShowItem} and ${vendor.rackspace('api-reference/methods/get-retrieve-image-metadata-item-for-specified-image-images-image-id-metadata-key.rst', 'example response')}: vendors document only X-Compute-Request-Id (Huawei's pages show no response header); X-Openstack-Request-Id is required for the nova profile only`,
    },
  ],
};

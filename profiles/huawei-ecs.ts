import { nova } from './nova.ts';
import type { Profile } from './types.ts';

/**
 * Huawei Cloud ECS "native OpenStack Nova APIs" (metadata management pages; seeds 000, 001, 003).
 * Where the documents are silent (quota status, 405, success codes of writes) Nova's rule applies.
 */
export const huaweiEcs: Profile = {
  ...nova,
  name: 'huawei-ecs',
  title: 'Huawei Cloud ECS (native OpenStack Nova APIs)',
  source: 'seeds/000_2cb4553f266783f4.txt, seeds/001_29bbdd85b466dc4b.txt, seeds/003_8e6c7d852b5ec2bf.txt; Huawei ECS API reference, metadata management (behaviours.md §1.17); Nova rules where the documents are silent',
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
      source: 'seeds/003_8e6c7d852b5ec2bf.txt: key "can contain letters in upper or lower cases, digits, hyphens (-), underscores (_), colons (:), and periods (.)" — no space (behaviours.md Q-SPACE)',
    },
    ...(['show', 'replaceAll', 'merge', 'setItem', 'deleteItem'] as const).map((op) => ({
      fact: `imageOperations.${op}`,
      source: 'Huawei ECS API reference: the image-metadata proxy is "(Discarded)" and only its GET (query) is documented (behaviours.md Q-IMG-VENDOR)',
    })),
    {
      fact: 'requestId.headers',
      source: 'behaviours.md Q-REQID: vendors document only X-Compute-Request-Id; X-Openstack-Request-Id is required for the nova profile only',
    },
  ],
};

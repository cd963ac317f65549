import type { Mutant } from './types.ts';

/** Mutants of the image-metadata proxy. */
export const imageMutants: Readonly<Record<string, Mutant>> = {
  'image-proxy-after-2.38': {
    description: 'the image-metadata proxy is still served at microversion 2.39 and later',
    violates: ['IM-VER-001'],
    patch: () => ({ maxImageProxyMicroversion: [2, 93] }),
  },
  'image-proxy-removed-at-2.38': {
    description: 'the image-metadata proxy is removed one microversion too early (404 already at 2.38)',
    violates: ['IM-VER-001'],
    patch: () => ({ maxImageProxyMicroversion: [2, 37] }),
  },
  'image-proxy-v2-versioned': {
    description: '/v2 honours the microversion header, so the image proxy is gone on /v2 with compute 2.39',
    violates: ['IM-VER-001'],
    patch: () => ({ imageProxyVersionedOnV2: true }),
  },
  'image-list-properties-envelope': {
    description: 'GET on the image collection answers Glance\'s {"properties": …} instead of {"metadata": …}',
    violates: ['IM-LIST-001'],
    patch: () => ({ imageListBody: (map) => ({ properties: map }) }),
  },
  'image-put-merges': {
    description: 'PUT on the image collection merges into the existing properties instead of replacing them',
    violates: ['IM-REPLACE-001'],
    patch: (c) => ({ imageReplaceAll: c.imageMerge }),
  },
  'image-post-replaces': {
    description: 'POST on the image collection replaces every property instead of merging',
    violates: ['IM-MERGE-001'],
    patch: (c) => ({ imageMerge: c.imageReplaceAll }),
  },
  'image-merge-answers-request-only': {
    description: 'POST on the image collection answers only the request map instead of the resulting property set',
    violates: ['IM-MERGE-001'],
    patch: () => ({ imageMergeBody: (requested) => ({ metadata: requested }) }),
  },
  'image-item-envelope-metadata': {
    description: 'show and set item on the image answer {"metadata": …} instead of {"meta": …}',
    violates: ['IM-SHOW-001', 'IM-SET-001'],
    patch: () => ({ imageItemBody: (k, v) => ({ metadata: { [k]: v } }) }),
  },
  'image-mismatch-after-lookup': {
    description: 'PUT item on the image looks the image up before checking the URI/body mismatch (unknown image + mismatch → 404)',
    violates: ['IM-SET-002'],
    patch: () => ({ imageMismatchBeforeLookup: false }),
  },
  'image-unknown-is-empty': {
    description: 'an unknown image behaves as an image without properties instead of 404',
    violates: ['IM-LIST-002'],
    patch: () => ({ imageChecksExistence: false }),
  },
  'image-delete-absent-204': {
    description: 'DELETE of a property the image does not have answers 204 instead of 404',
    violates: ['IM-DEL-001'],
    patch: () => ({ imageDeleteChecksKey: false }),
  },
  'image-not-validated': {
    description: 'the image proxy passes keys and values on without the server-metadata validation',
    violates: ['IM-VAL-001'],
    patch: () => ({ imageValidates: false }),
  },
  'image-quota-not-enforced': {
    description: 'image writes are not checked against maxImageMeta',
    violates: ['IM-QUOTA-001'],
    patch: () => ({ imagePropertyLimit: () => Number.POSITIVE_INFINITY }),
  },
  'image-quota-off-by-one': {
    description: 'the image property limit lets maxImageMeta + 1 properties through',
    violates: ['IM-QUOTA-001'],
    patch: () => ({ imagePropertyLimit: (quota) => quota + 1 }),
  },
};

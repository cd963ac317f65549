import type { Behaviour } from './types.ts';

const IM = 'Image metadata' as const;

/** Behaviours of the image-metadata proxy (IM-*), behaviours.md §1.10. */
export const imageMetadata: readonly Behaviour[] = [
  {
    id: 'IM-VER-001',
    rule: 'The image-metadata proxy MUST be served at microversions 2.1–2.38 on /v2.1 and answer 404 itemNotFound to all six operations from 2.39 (and latest); /v2 ignores the header and keeps serving it.',
    source: [
      'nova/api/openstack/compute/image_metadata.py (@api_version("2.1", MAX_IMAGE_META_PROXY_API_VERSION))',
      'nova/api/openstack/api_version_request.py (MAX_IMAGE_META_PROXY_API_VERSION = 2.38, history 2.39)',
      'nova/api/openstack/wsgi.py:Resource.dispatch (VersionNotFoundForAPIMethod → 404)',
      'tempest/api/compute/images/test_image_metadata.py (max_microversion = 2.38)',
    ],
    epic: IM, feature: 'microversions', level: 'required', tags: ['image', 'versions', 'routing'],
  },
  {
    id: 'IM-LIST-001',
    rule: 'GET {I} MUST answer a success status with {"metadata": {…}} holding the image\'s properties.',
    source: ['nova/api/openstack/compute/image_metadata.py:index', 'nova/image/glance.py:_extract_attributes_v2', 'doc/api_samples/images/image-metadata-get-resp.json', 'rackerlabs/docs-cloud-servers api-reference (image metadata)'],
    epic: IM, feature: 'list', level: 'required', tags: ['image', 'core'],
  },
  {
    id: 'IM-LIST-002',
    rule: 'Every image-metadata operation on an unknown image MUST answer 404 itemNotFound ("Image not found.").',
    source: ['nova/api/openstack/compute/image_metadata.py:_get_image', 'tempest/api/compute/images/test_image_metadata_negative.py'],
    epic: IM, feature: 'list', level: 'required', tags: ['image', 'negative'],
  },
  {
    id: 'IM-SHOW-001',
    rule: 'GET {I}/{key} MUST answer {"meta": {"<key>": "<value>"}}; for a key the image does not have it MUST answer 404 itemNotFound.',
    source: ['nova/api/openstack/compute/image_metadata.py:show', 'doc/api_samples/images/image-meta-key-get.json', 'seeds/004 (GET /images/{image_id}/metadata/{key})'],
    epic: IM, feature: 'show', level: 'required', tags: ['image', 'core'],
  },
  {
    id: 'IM-REPLACE-001',
    rule: 'PUT {I} MUST replace all image properties with the request map and answer {"metadata": <request map>}.',
    source: ['nova/api/openstack/compute/image_metadata.py:update_all (purge_props=True)', 'doc/api_samples/images/image-metadata-put-*', 'tempest test_set_image_metadata'],
    epic: IM, feature: 'replace-all', level: 'required', tags: ['image', 'core'],
  },
  {
    id: 'IM-MERGE-001',
    rule: 'POST {I} MUST merge the request map into the image properties (request values win) and answer {"metadata": <resulting set>}.',
    source: ['nova/api/openstack/compute/image_metadata.py:create', 'doc/api_samples/images/image-metadata-post-*', 'rackerlabs/docs-cloud-servers "Set image metadata"', 'tempest test_update_image_metadata'],
    epic: IM, feature: 'merge', level: 'required', tags: ['image', 'core'],
  },
  {
    id: 'IM-SET-001',
    rule: 'PUT {I}/{key} MUST create or overwrite that one property and answer {"meta": <request meta>}.',
    source: ['nova/api/openstack/compute/image_metadata.py:update', 'doc/api_samples/images/image-meta-key-put-*', 'tempest test_set_image_metadata_item'],
    epic: IM, feature: 'set item', level: 'required', tags: ['image', 'core'],
  },
  {
    id: 'IM-SET-002',
    rule: 'PUT {I}/{key} whose body key differs from the URL key MUST answer 400 badRequest, checked before the image lookup (also for an unknown image).',
    source: ['nova/api/openstack/compute/image_metadata.py:update (mismatch check precedes _get_image)'],
    epic: IM, feature: 'set item', level: 'required', tags: ['image', 'negative', 'bodies'],
  },
  {
    id: 'IM-DEL-001',
    rule: 'DELETE {I}/{key} MUST answer 204 with an empty body and remove the property; for a key the image does not have it MUST answer 404 itemNotFound.',
    source: ['nova/api/openstack/compute/image_metadata.py:delete', 'tempest test_delete_image_metadata_item'],
    epic: IM, feature: 'delete item', level: 'required', tags: ['image', 'core'],
  },
  {
    id: 'IM-VAL-001',
    rule: 'Image-metadata requests MUST be validated like server metadata: a bad key, a too-long value or a non-string value MUST answer 400 badRequest and change nothing.',
    source: ['nova/api/openstack/compute/schemas/image_metadata.py (create/update/update_all equal to server_metadata.py)'],
    epic: IM, feature: 'validation', level: 'required', tags: ['image', 'negative', 'keys', 'values'],
  },
  {
    id: 'IM-QUOTA-001',
    rule: 'An image-metadata write whose resulting property count exceeds maxImageMeta MUST be refused with the quota status (Nova: 403 forbidden); exactly the limit is accepted.',
    source: ['nova/api/openstack/common.py:check_img_metadata_properties_quota', 'nova/api/openstack/compute/views/limits.py (maxImageMeta)', 'rackerlabs/docs-cloud-servers general-api-info/limits.rst'],
    epic: IM, feature: 'quota', level: 'required', tags: ['image', 'quota', 'limits'],
  },
  {
    id: 'IM-AUTH-001',
    rule: 'No Nova policy rule guards the image-metadata proxy; authorisation is Glance\'s (Glance 401/403 surface as 403 forbidden). Observed with a reader credential (METACONFORM_READER_CLOUD or METACONFORM_READER_TOKEN).',
    source: ['nova/api/openstack/compute/image_metadata.py (no context.can)', 'nova/exception.py:ImageNotAuthorized'],
    epic: IM, feature: 'authorisation', level: 'informational', tags: ['image', 'auth'],
  },
  {
    id: 'IM-ERR-001',
    rule: 'A Glance 400 (e.g. a reserved property, a 4-byte UTF-8 value) surfaces as 500 computeFault; implementation-defined, recorded only.',
    source: ['nova/api/openstack/compute/image_metadata.py (expected_errors)', 'nova/image/glance.py:_translate_image_exception', 'nova-ground-truth.md (emoji image value → 500)'],
    epic: IM, feature: 'errors', level: 'informational', tags: ['image', 'negative'],
  },
];

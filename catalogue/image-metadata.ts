import { nova, glance, tempest, vendor, rackspaceImageShowItem } from './sources.ts';
import type { Behaviour } from './types.ts';

const IM = 'Image metadata' as const;

/** Behaviours of the image-metadata proxy (IM-*). */
export const imageMetadata: readonly Behaviour[] = [
  {
    id: 'IM-VER-001',
    rule: 'The image-metadata proxy MUST be served at microversions 2.1–2.38 on /v2.1 and answer 404 itemNotFound to all six operations from 2.39 (and latest); /v2 ignores the header and keeps serving it.',
    source: [
      nova('nova/api/openstack/compute/image_metadata.py', 'ImageMetadataController (@wsgi.Controller.api_version("2.1", MAX_IMAGE_META_PROXY_API_VERSION) on every method)'),
      nova('nova/api/openstack/api_version_request.py', 'MAX_IMAGE_META_PROXY_API_VERSION = 2.38; REST_API_VERSION_HISTORY 2.39'),
      nova('nova/api/openstack/wsgi.py', 'Resource.dispatch (VersionNotFoundForAPIMethod → 404)'),
      tempest('tempest/api/compute/images/test_image_metadata.py', 'ImagesMetadataTestJSON', 'test_list_image_metadata', '37ec6edd-cf30-4c53-bd45-ae74db6b0531') + ' (the class has max_microversion = 2.38)',
    ],
    epic: IM, feature: 'microversions', level: 'required', tags: ['image', 'versions', 'routing'],
  },
  {
    id: 'IM-LIST-001',
    rule: 'GET {I} MUST answer a success status with {"metadata": {…}} holding the image\'s properties.',
    source: [nova('nova/api/openstack/compute/image_metadata.py', 'ImageMetadataController.index'), nova('nova/image/glance.py', '_extract_attributes_v2'), nova('doc/api_samples/images/image-metadata-get-resp.json', '(example response)'), vendor.rackspace('api-reference/methods/get-retrieve-image-metadata-for-specified-image-images-image-id-metadata.rst', '"Retrieve image metadata for specified image"')],
    epic: IM, feature: 'list', level: 'required', tags: ['image', 'core'],
  },
  {
    id: 'IM-LIST-002',
    rule: 'Every image-metadata operation on an unknown image MUST answer 404 itemNotFound ("Image not found.").',
    source: [nova('nova/api/openstack/compute/image_metadata.py', 'ImageMetadataController._get_image'), tempest('tempest/api/compute/images/test_image_metadata_negative.py', 'ImagesMetadataNegativeTestJSON', 'test_list_nonexistent_image_metadata', '94069db2-792f-4fa8-8bd3-2271a6e0c095')],
    epic: IM, feature: 'list', level: 'required', tags: ['image', 'negative'],
  },
  {
    id: 'IM-SHOW-001',
    rule: 'GET {I}/{key} MUST answer {"meta": {"<key>": "<value>"}}; for a key the image does not have it MUST answer 404 itemNotFound.',
    source: [nova('nova/api/openstack/compute/image_metadata.py', 'ImageMetadataController.show'), nova('doc/api_samples/images/image-meta-key-get.json', '(example response)'), rackspaceImageShowItem],
    epic: IM, feature: 'show', level: 'required', tags: ['image', 'core'],
  },
  {
    id: 'IM-REPLACE-001',
    rule: 'PUT {I} MUST replace all image properties with the request map and answer {"metadata": <request map>}.',
    source: [nova('nova/api/openstack/compute/image_metadata.py', 'ImageMetadataController.update_all (purge_props=True)'), nova('doc/api_samples/images/image-metadata-put-req.json', 'and image-metadata-put-resp.json'), tempest('tempest/api/compute/images/test_image_metadata.py', 'ImagesMetadataTestJSON', 'test_set_image_metadata', 'ece7befc-d3ce-42a4-b4be-c3067a418c29')],
    epic: IM, feature: 'replace-all', level: 'required', tags: ['image', 'core'],
  },
  {
    id: 'IM-MERGE-001',
    rule: 'POST {I} MUST merge the request map into the image properties (request values win) and answer {"metadata": <resulting set>}.',
    source: [nova('nova/api/openstack/compute/image_metadata.py', 'ImageMetadataController.create'), nova('doc/api_samples/images/image-metadata-post-req.json', 'and image-metadata-post-resp.json'), vendor.rackspace('api-reference/methods/post-set-image-metadata-for-specified-image-images-image-id-metadata.rst', '"Set image metadata for specified image" (POST merges)'), tempest('tempest/api/compute/images/test_image_metadata.py', 'ImagesMetadataTestJSON', 'test_update_image_metadata', '7b491c11-a9d5-40fe-a696-7f7e03d3fea2')],
    epic: IM, feature: 'merge', level: 'required', tags: ['image', 'core'],
  },
  {
    id: 'IM-SET-001',
    rule: 'PUT {I}/{key} MUST create or overwrite that one property and answer {"meta": <request meta>}.',
    source: [nova('nova/api/openstack/compute/image_metadata.py', 'ImageMetadataController.update'), nova('doc/api_samples/images/image-meta-key-put-req.json', 'and image-meta-key-put-resp.json'), tempest('tempest/api/compute/images/test_image_metadata.py', 'ImagesMetadataTestJSON', 'test_set_image_metadata_item', 'f2de776a-4778-4d90-a5da-aae63aee64ae')],
    epic: IM, feature: 'set item', level: 'required', tags: ['image', 'core'],
  },
  {
    id: 'IM-SET-002',
    rule: 'PUT {I}/{key} whose body key differs from the URL key MUST answer 400 badRequest, checked before the image lookup (also for an unknown image).',
    source: [nova('nova/api/openstack/compute/image_metadata.py', 'ImageMetadataController.update (the URI/body mismatch is checked before _get_image)')],
    epic: IM, feature: 'set item', level: 'required', tags: ['image', 'negative', 'bodies'],
  },
  {
    id: 'IM-DEL-001',
    rule: 'DELETE {I}/{key} MUST answer 204 with an empty body and remove the property; for a key the image does not have it MUST answer 404 itemNotFound.',
    source: [nova('nova/api/openstack/compute/image_metadata.py', 'ImageMetadataController.delete'), tempest('tempest/api/compute/images/test_image_metadata.py', 'ImagesMetadataTestJSON', 'test_delete_image_metadata_item', 'a013796c-ba37-4bb5-8602-d944511def14')],
    epic: IM, feature: 'delete item', level: 'required', tags: ['image', 'core'],
  },
  {
    id: 'IM-VAL-001',
    rule: 'Image-metadata requests MUST be validated like server metadata: a bad key, a too-long value or a non-string value MUST answer 400 badRequest and change nothing.',
    source: [nova('nova/api/openstack/compute/schemas/image_metadata.py', 'create, update, update_all (the same schemas as server_metadata.py)')],
    epic: IM, feature: 'validation', level: 'required', tags: ['image', 'negative', 'keys', 'values'],
  },
  {
    id: 'IM-QUOTA-001',
    rule: 'An image-metadata write whose resulting property count exceeds maxImageMeta MUST be refused with the quota status (Nova: 403 forbidden); exactly the limit is accepted.',
    source: [nova('nova/api/openstack/common.py', 'check_img_metadata_properties_quota'), nova('nova/api/openstack/compute/views/limits.py', 'ViewBuilder (metadata_items → maxServerMeta, maxImageMeta)'), vendor.rackspace('general-api-info/limits.rst', 'absolute limits maxImageMeta and maxServerMeta (default 40)')],
    epic: IM, feature: 'quota', level: 'required', tags: ['image', 'quota', 'limits'],
  },
  {
    id: 'IM-AUTH-001',
    rule: 'No Nova policy rule guards the image-metadata proxy; authorisation is Glance\'s (Glance 401/403 surface as 403 forbidden). Observed with a reader credential (METACONFORM_READER_CLOUD or METACONFORM_READER_TOKEN).',
    source: [nova('nova/api/openstack/compute/image_metadata.py', 'ImageMetadataController (no context.can)'), nova('nova/exception.py', 'ImageNotAuthorized')],
    epic: IM, feature: 'authorisation', level: 'informational', tags: ['image', 'auth'],
  },
  {
    id: 'IM-ERR-001',
    rule: 'A Glance 400 (e.g. a reserved property, a 4-byte UTF-8 value) surfaces as 500 computeFault; implementation-defined, recorded only.',
    source: [nova('nova/api/openstack/compute/image_metadata.py', 'ImageMetadataController (@wsgi.expected_errors)'), nova('nova/image/glance.py', '_translate_image_exception'), glance('glance/common/utils.py', 'no_4byte_params (a property with a 4-byte UTF-8 character is refused with 400, which Nova answers as 500)')],
    epic: IM, feature: 'errors', level: 'informational', tags: ['image', 'negative'],
  },
];

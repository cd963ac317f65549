import { nova, osloMiddleware, tempest, recorded, vendor, elsewhere } from './sources.ts';
import type { Behaviour } from './types.ts';

const SM = 'Server metadata' as const;

/** Behaviours of request bodies, envelopes and content types (SM-ENV-*, SM-BODY-*, SM-SET-003/004, SM-LIST-003). */
export const bodies: readonly Behaviour[] = [
  {
    id: 'SM-ENV-001',
    rule: 'Collection operations MUST use the "metadata" envelope and item operations the "meta" envelope, in requests and responses (DELETE answers no body).',
    source: [nova('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController'), nova('nova/api/openstack/compute/schemas/server_metadata.py', 'create, update, update_all'), nova('api-ref/source/metadata.inc', 'Server metadata (servers, metadata): the request and response bodies of each operation'), vendor.huaweiShowItem, vendor.huaweiReplaceAll],
    epic: SM, feature: 'request bodies', level: 'required', tags: ['core', 'bodies'],
  },
  {
    id: 'SM-BODY-001',
    rule: 'A request Content-Type other than JSON, text/plain or none MUST be answered 415 badMediaType on every method; a JSON body with text/plain or no Content-Type MUST be processed normally.',
    source: [nova('nova/api/openstack/wsgi.py', 'Request.get_content_type'), recorded('D7-D9', 'D14')],
    epic: SM, feature: 'content type', level: 'required', tags: ['negative', 'bodies', 'headers'],
  },
  {
    id: 'SM-BODY-002',
    rule: 'A PUT/POST body that is not valid JSON MUST be answered 400 badRequest "Malformed request body" and change nothing.',
    source: [nova('nova/api/openstack/wsgi.py', 'JSONDeserializer._from_json'), recorded('D1-D3')],
    epic: SM, feature: 'request bodies', level: 'required', tags: ['negative', 'bodies'],
  },
  {
    id: 'SM-BODY-003',
    rule: 'A PUT/POST with an empty body MUST be answered 400 and change nothing.',
    source: [nova('nova/api/openstack/wsgi.py', 'Resource._get_request_content'), tempest('tempest/api/compute/servers/test_server_metadata_negative.py', 'ServerMetadataNegativeTestJSON', 'test_set_server_metadata_missing_metadata', '64a91aee-9723-4863-be44-4c9d9f1e7d0e'), recorded('D4-D6')],
    epic: SM, feature: 'request bodies', level: 'required', tags: ['negative', 'bodies'],
  },
  {
    id: 'SM-BODY-004',
    rule: 'A PUT/POST body whose top-level JSON value is not an object (array, string, number, boolean, null) MUST be answered 400 and change nothing.',
    source: [nova('nova/api/validation/validators.py', '_SchemaValidator'), recorded('D10', 'D11')],
    epic: SM, feature: 'request bodies', level: 'required', tags: ['negative', 'bodies'],
  },
  {
    id: 'SM-BODY-005',
    rule: 'A missing or wrong envelope ("meta" on a collection, "metadata" on an item, {}) or an envelope that is not an object MUST be answered 400 on every base and change nothing.',
    source: [nova('nova/api/openstack/compute/schemas/server_metadata.py', 'create, update, update_all'), nova('nova/tests/unit/api/openstack/compute/test_server_metadata.py', 'ServerMetaDataTestV21.test_update_all_malformed_container'), recorded('A12', 'A17', 'A18', 'A21-A23', 'D12')],
    epic: SM, feature: 'request bodies', level: 'required', tags: ['negative', 'bodies'],
  },
  {
    id: 'SM-BODY-006',
    rule: 'An extra top-level body member MUST be rejected with 400 on /v2.1 and MUST be ignored on /v2 (the request succeeds, the member is not stored).',
    source: [nova('nova/api/validation/validators.py', '_soft_validate_additional_properties'), nova('nova/api/validation/__init__.py', '_schema_validation_helper'), recorded('A14', 'A19', 'A20')],
    epic: SM, feature: 'request bodies', level: 'required', tags: ['negative', 'bodies', 'versions'],
  },
  {
    id: 'SM-BODY-007',
    rule: 'A request body larger than the body-size limit (oslo.middleware default 114688 bytes) MUST be answered 413 (a middleware error, not the Nova envelope).',
    source: [osloMiddleware('oslo_middleware/sizelimit.py', 'RequestBodySizeLimiter (max_request_body_size, default 114688)'), nova('etc/nova/api-paste.ini', '[filter:sizelimit] in every pipeline')],
    epic: SM, feature: 'request bodies', level: 'advisory', tags: ['negative', 'bodies', 'limits'],
  },
  {
    id: 'SM-BODY-008',
    rule: 'Duplicate member names in a JSON body are implementation-defined (Nova: the last one wins).',
    source: [nova('nova/api/openstack/wsgi.py', 'JSONDeserializer._from_json (jsonutils.loads)'), elsewhere.rfc8259Names],
    epic: SM, feature: 'request bodies', level: 'informational', tags: ['bodies'],
  },
  {
    id: 'SM-BODY-009',
    rule: 'Bodies sent with GET and DELETE MUST be ignored (only PUT/POST bodies are read).',
    source: [nova('nova/api/openstack/wsgi.py', 'Resource._should_have_body')],
    epic: SM, feature: 'request bodies', level: 'required', tags: ['bodies'],
  },
  {
    id: 'SM-SET-003',
    rule: 'PUT {S}/{key} whose body key differs from the URL key (also only by case) MUST be answered 400 "Request body and URI mismatch" and change nothing.',
    source: [nova('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController.update'), tempest('tempest/api/compute/servers/test_server_metadata_negative.py', 'ServerMetadataNegativeTestJSON', 'test_set_metadata_invalid_key', '0025fbd6-a4ba-4cde-b8c2-96805dcfdabc'), recorded('A10', 'A24')],
    epic: SM, feature: 'set item', level: 'required', tags: ['negative', 'bodies'],
  },
  {
    id: 'SM-SET-004',
    rule: 'PUT {S}/{key} whose "meta" holds zero or more than one item MUST be answered 400 and change nothing.',
    source: [nova('nova/api/openstack/compute/schemas/server_metadata.py', 'update (metadata_update: minProperties 1, maxProperties 1)'), nova('nova/tests/unit/api/openstack/compute/test_server_metadata.py', 'ServerMetaDataTestV21.test_update_item_too_many_keys'), recorded('A11', 'A13')],
    epic: SM, feature: 'set item', level: 'required', tags: ['negative', 'bodies'],
  },
  {
    id: 'SM-LIST-003',
    rule: 'GET {S} MUST ignore pagination query parameters (?limit, ?marker) and answer the full map.',
    source: [nova('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController.index (no query schema)'), vendor.huaweiList],
    epic: SM, feature: 'list', level: 'required', tags: ['core'],
  },
];

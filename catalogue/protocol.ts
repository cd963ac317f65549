import { nova, keystonemiddleware, osloMiddleware, microversionParse, tempestSchema, vendor, rackspaceImageShowItem } from './sources.ts';
import type { Behaviour } from './types.ts';

const P = 'Protocol' as const;

/** Cross-cutting behaviours: error envelope, headers, versions. */
export const protocol: readonly Behaviour[] = [
  {
    id: 'SM-ERR-001',
    rule: 'An error produced by the API MUST be {"<faultName>": {"code": <HTTP status>, "message": <string>}} with the fault name of its status.',
    source: [nova('nova/api/openstack/wsgi.py', 'Fault'), nova('api-guide/source/faults.rst', '"Synchronous Faults"')],
    epic: P, feature: 'errors', level: 'required', tags: ['negative'],
  },
  {
    id: 'SM-HDR-001',
    rule: 'Every response MUST carry the profile\'s request-id headers (x-compute-request-id; x-openstack-request-id for nova) with a req-<uuid> value.',
    source: [nova('nova/api/compute_req_id.py', 'ComputeReqIdMiddleware'), osloMiddleware('oslo_middleware/request_id.py', 'RequestId (x-openstack-request-id)'), vendor.nttShowItem],
    epic: P, feature: 'headers', level: 'required', tags: ['headers'],
  },
  {
    id: 'SM-HDR-002',
    rule: 'Every /v2.1 response of the API MUST carry OpenStack-API-Version: compute X.Y, X-OpenStack-Nova-API-Version: X.Y (the version used, 2.1 by default) and Vary naming both headers.',
    source: [nova('nova/api/openstack/wsgi.py', 'Resource._process_stack'), nova('nova/api/openstack/wsgi.py', 'Fault.__call__')],
    epic: P, feature: 'headers', level: 'required', tags: ['headers', 'versions'],
  },
  {
    id: 'SM-HDR-003',
    rule: '/v2 responses MUST NOT carry microversion headers (OpenStack-API-Version, X-OpenStack-Nova-API-Version, Vary on them), whatever the request asks.',
    source: [nova('nova/api/openstack/__init__.py', 'LegacyV2CompatibleWrapper')],
    epic: P, feature: 'headers', level: 'required', tags: ['headers', 'versions'],
  },
  {
    id: 'SM-HDR-004',
    rule: 'Success bodies MUST be JSON with a JSON Content-Type, also when the request asks for Accept: application/xml (never 406); DELETE 204 has an empty body.',
    source: [nova('nova/api/openstack/wsgi.py', 'Request.best_match_content_type'), nova('nova/api/openstack/wsgi.py', 'ResponseObject.serialize')],
    epic: P, feature: 'headers', level: 'required', tags: ['headers'],
  },
  {
    id: 'SM-VER-001',
    rule: 'On /v2.1 an OpenStack-API-Version of invalid format MUST answer 400 and one outside the announced range 406; /v2 MUST ignore microversion headers.',
    source: [nova('nova/api/openstack/wsgi.py', 'Request.set_api_version_request'), microversionParse('microversion_parse/__init__.py', 'get_version'), nova('nova/api/openstack/api_version_request.py', 'APIVersionRequest')],
    epic: P, feature: 'microversions', level: 'required', tags: ['versions', 'negative'],
  },
  {
    id: 'SM-VER-002',
    rule: 'Server-metadata behaviour MUST be identical at microversion 2.1 and at the maximum the version document announces; only the echoed version headers differ.',
    source: [nova('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController (no versioned methods)'), nova('nova/api/openstack/compute/schemas/server_metadata.py', 'create, update, update_all')],
    epic: P, feature: 'microversions', level: 'required', tags: ['versions'],
  },
  {
    id: 'SM-URL-001',
    rule: 'Project-less URLs ({base}/servers/{id}/metadata[/{key}]) MUST reach the same resource with the same results as the URLs with the project id.',
    source: [nova('etc/nova/api-paste.ini', '[composite:osapi_compute]'), nova('nova/api/openstack/__init__.py', 'ProjectMapper.create_route'), nova('nova/api/openstack/compute/routes.py', 'ROUTE_LIST'), nova('nova/api/openstack/api_version_request.py', 'REST_API_VERSION_HISTORY 2.18 (project_id optional in URLs)')],
    epic: P, feature: 'routing', level: 'required', tags: ['routing'],
  },
  {
    id: 'SM-URL-003',
    rule: 'A project segment that is not lower-case hex/dashes MUST match no route (404).',
    source: [nova('nova/api/openstack/__init__.py', 'ProjectMapper._get_project_id_token'), nova('nova/api/wsgi.py', 'Router._dispatch')],
    epic: P, feature: 'routing', level: 'advisory', tags: ['routing', 'negative'],
  },
  {
    id: 'SM-METHOD-001',
    rule: 'A method a metadata URL does not support (DELETE/PATCH on the collection, POST/PATCH on an item) MUST answer a status of the profile\'s unsupported-method set (Nova: 404; vendors 405), never a success or 5xx.',
    source: [nova('nova/api/wsgi.py', 'Router._dispatch'), nova('nova/api/openstack/compute/routes.py', 'ROUTE_LIST'), vendor.nttShowItem, rackspaceImageShowItem],
    epic: P, feature: 'methods', level: 'required', tags: ['routing', 'negative'],
  },
  {
    id: 'SM-ORDER-001',
    rule: 'Checks MUST apply in Nova\'s order: JSON syntax, URL project, body schema, server lookup, URI/body key mismatch, key existence, lock/state, quota — the first failing one decides.',
    source: [nova('nova/api/openstack/wsgi.py', 'Resource.__call__ and Resource._process_stack'), nova('nova/api/validation/__init__.py', 'schema, _schema_validation_helper'), nova('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController')],
    epic: P, feature: 'order of checks', level: 'required', tags: ['negative'],
  },
  {
    id: 'SM-ERR-002',
    rule: 'The fault name MUST follow the status: 400 badRequest, 403 forbidden, 404 itemNotFound, 409 conflictingRequest, 413/429 overLimit, 415 badMediaType, other (e.g. 406) computeFault.',
    source: [nova('nova/api/openstack/wsgi.py', 'Fault._fault_names')],
    epic: P, feature: 'errors', level: 'required', tags: ['negative'],
  },
  {
    id: 'SM-ERR-003',
    rule: 'The Nova error envelope MUST be used for errors produced by the API (validation, lookup, state); route misses (404) are not required to use it.',
    source: [nova('nova/api/wsgi.py', 'Router._dispatch'), osloMiddleware('oslo_middleware/sizelimit.py', 'RequestBodySizeLimiter (413 from the middleware)'), keystonemiddleware('keystonemiddleware/auth_token/__init__.py', 'AuthProtocol (401 answered before Nova)')],
    epic: P, feature: 'errors', level: 'required', tags: ['negative'],
  },
  {
    id: 'SM-ERR-004',
    rule: 'An unexpected error is answered 500 computeFault "Unexpected API Error…" (implementation-defined; recorded only).',
    source: [nova('nova/api/openstack/wsgi.py', 'expected_errors')],
    epic: P, feature: 'errors', level: 'informational', tags: ['negative'],
  },
  {
    id: 'SM-STATUS-001',
    rule: 'Success statuses MUST be the profile\'s: reads 200 (Nova; 203 tolerated by vendors), PUT/POST writes 200 (never 201/202), DELETE 204 with an empty body.',
    source: [nova('nova/api/openstack/compute/server_metadata.py', 'ServerMetadataController.delete (@wsgi.response(204))'), tempestSchema('tempest/lib/api_schema/response/compute/v2_1/servers.py', 'set_server_metadata, list_server_metadata, update_server_metadata, set_show_server_metadata_item, delete_server_metadata_item'), vendor.nttShowItem],
    epic: P, feature: 'statuses', level: 'required', tags: ['core'],
  },
];

/**
 * How a behaviour's source is written: a link a reader can follow, then where to look there. Every source is
 * one string, `<https URL> <what to read there>`, or names a file of this repository (`differential/cases.json`
 * and the ids of Nova's recorded answers). Nothing points outside the repository by a relative path, and every
 * file of Nova is cited at the release the nova profile follows (test/catalogue.test.ts checks both).
 *
 * The vendor documents are their public pages; the texts the profiles were first drawn from are copies of those
 * pages (Huawei topics by their topic id, which stays when Huawei moves a page).
 */

/** The Nova release the nova profile, the embedded reference and the recorded answers follow (Zed). */
export const NOVA_RELEASE = '26.2.2';
/** The Tempest release whose tests are cited. */
export const TEMPEST_RELEASE = '33.0.0';

const at = (project: string, tag: string) => (path: string, where?: string) => `https://opendev.org/openstack/${project}/src/tag/${tag}/${path}${where ? ` ${where}` : ''}`;

/** A file of Nova at NOVA_RELEASE, and the symbol (`Class.method`) or passage to read there. */
export const nova = at('nova', NOVA_RELEASE);
/** keystonemiddleware 10.1.0 (the one Nova 26.2.2 runs with in Debian 12). */
export const keystonemiddleware = at('keystonemiddleware', '10.1.0');
/** oslo.middleware 5.0.0 (request ids, the request body size limit). */
export const osloMiddleware = at('oslo.middleware', '5.0.0');
/** oslo.policy 4.0.0. */
export const osloPolicy = at('oslo.policy', '4.0.0');
/** microversion-parse 1.0.1. */
export const microversionParse = at('microversion-parse', '1.0.1');
/** Glance 25.1.0 (the image service behind the image-metadata proxy). */
export const glance = at('glance', '25.1.0');

/** A Tempest test by its id (`module.Class.test[id-<idempotent id>]`), with the file that holds it. */
export function tempest(path: string, testClass: string, test: string, idempotentId: string): string {
  const module = path.replace(/\.py$/, '').replaceAll('/', '.');
  return `https://opendev.org/openstack/tempest/src/tag/${TEMPEST_RELEASE}/${path} ${module}.${testClass}.${test}[id-${idempotentId}]`;
}

/** A response schema of Tempest (`tempest/lib/api_schema/…`), by name. */
export function tempestSchema(path: string, name: string): string {
  return `https://opendev.org/openstack/tempest/src/tag/${TEMPEST_RELEASE}/${path} ${name} (response schema)`;
}

/** The file of this repository that holds Nova 26.2.2's recorded answers (both bases, one case id each). */
export const RECORDED_FILE = 'differential/cases.json';

/** Nova 26.2.2's recorded answers to these cases (ids of differential/cases.json; `A21-A23` is a range). */
export function recorded(...cases: string[]): string {
  return `${RECORDED_FILE} cases ${cases.join(', ')} (Nova ${NOVA_RELEASE}'s recorded answers on /v2 and /v2.1)`;
}

/** The vendors' public documents. */
export const vendor = {
  /** Huawei Cloud ECS API reference, native OpenStack Nova APIs, "Obtaining ECS Metadata with a Specified Key" (GET item). */
  huaweiShowItem: 'https://support.huaweicloud.com/intl/en-us/ae-ad-1-api-ecs/en-us_topic_0065817714.html Huawei Cloud ECS API reference, native OpenStack Nova APIs, "Obtaining ECS Metadata with a Specified Key" (topic en-us_topic_0065817714)',
  /** … "Querying ECS Metadata" (GET, "Pagination query is not supported"). */
  huaweiList: 'https://support.huaweicloud.com/intl/en-us/eu-west-0-api-ecs/en-us_topic_0065817713.html Huawei Cloud ECS API reference, native OpenStack Nova APIs, "Querying ECS Metadata" (topic en-us_topic_0065817713)',
  /** … "Configuring ECS Metadata" (PUT replace-all; the key charset without space; the vm_states that allow writes). */
  huaweiReplaceAll: 'https://support.huaweicloud.com/intl/en-us/api-ecs/ecs_03_1002.html Huawei Cloud ECS API reference, native OpenStack Nova APIs, "Configuring ECS Metadata" (topic en-us_topic_0077847902)',
  /**
   * NTT Communications Smart Data Platform, "Show server metadata item details": the text the fujitsu-k5 profile
   * was drawn from (no public Fujitsu K5 page documents the metadata API; this page's text is word for word the same).
   */
  nttShowItem: 'https://sdpf.ntt.com/services/docs/server-instance/api-references/rsts/APIList/Virtual_Server_Compute/Compute/Show_server_metadata_item_details.html NTT Communications SDPF API reference, "Show server metadata item details" (/v2 only, values String(1-255 characters), response codes, X-Compute-Request-Id)',
  /** … "Querying the Metadata of a Specified Image (Discarded)" (the image-metadata proxy, GET only). */
  huaweiImageList: 'https://support.huaweicloud.com/intl/en-us/eu-west-0-api-ecs/en-us_topic_0065817698.html Huawei Cloud ECS API reference, OpenStack Nova APIs, "Querying the Metadata of a Specified Image (Discarded)" (topic en-us_topic_0065817698)',
  /** Rackspace Cloud Servers v2 documentation: a file (or, ending in '/', a folder) of its source repository at a fixed commit. */
  rackspace: (path: string, what: string) =>
    `https://github.com/rackerlabs/docs-cloud-servers/${path.endsWith('/') ? 'tree' : 'blob'}/2f6c24cf114066a592387945e2ebbaf2dcfa427f/api-docs/${path} Rackspace Cloud Servers API v2, ${what}`,
};

/** Rackspace's page "Retrieve image metadata item for specified image" (GET /images/{image_id}/metadata/{key}). */
export const rackspaceImageShowItem = vendor.rackspace('api-reference/methods/get-retrieve-image-metadata-item-for-specified-image-images-image-id-metadata-key.rst', '"Retrieve image metadata item for specified image" (response codes 200 203 … 405 413)');

/** Other public documents, each by its address. */
export const elsewhere = {
  /** Tempest's tests of another project's server, removed in 2016 (the URL holds the file at the parent of the removing commit). */
  tempestAltAccountServer:
    'https://opendev.org/openstack/tempest/src/commit/11df0f3b9666da0e4d0d4e195e1a183908928f39/tempest/api/compute/test_authorization.py tempest.api.compute.test_authorization.AuthorizationTestJSON.test_get_metadata_of_alt_account_server_fails[id-dea1936a-473d-49f2-92ad-97bb7aded22e] and the other *_metadata_of_alt_account_server_fails tests (removed by Tempest commit a0a9b24de0a2b2c48ce95a988c43cc9affe50652)',
  rfc8259Names: 'https://www.rfc-editor.org/rfc/rfc8259#section-4 RFC 8259 §4 (names within an object SHOULD be unique; duplicates are implementation-defined)',
  pythonDollar: "https://docs.python.org/3/library/re.html#regular-expression-syntax Python's re: $ matches at the end of the string and just before a newline at its end",
  lowercaseKeysSpec: 'https://specs.openstack.org/openstack/nova-specs/specs/newton/approved/lowercase-metadata-keys.html nova-specs Newton "Restrict valid characters for metadata keys" (approved, never implemented)',
  mysqlUtf8mb3: 'https://dev.mysql.com/doc/refman/8.0/en/charset-unicode-utf8mb3.html MySQL utf8mb3 (what utf8 means in MySQL and MariaDB): characters of the Basic Multilingual Plane only',
};

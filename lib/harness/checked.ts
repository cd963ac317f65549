import type { Profile } from '../../profiles/index.ts';
import type { MetadataClient } from '../clients/metadata-client.ts';
import type { Metadata } from '../protocol.ts';
import type { SendOptions } from '../http/client.ts';
import { expectCollection, expectEmptyBody, expectItem, expectStatus, SUCCESS, successStatuses } from './expect.ts';

/**
 * A metadata client whose calls must succeed, as Tempest's service clients check their answers: each checks
 * for a success status and the response schema, and returns the map (or the one item). Which success status
 * is the profile's rule SM-STATUS-001 (and SM-MERGE-003, SM-DEL-001), judged there alone. For the operations a test judges; raw exchanges (`ctx.server`) stay for negative tests, and means
 * of arranging and observing go through lib/harness/fixtures.ts.
 */
export class CheckedClient {
  constructor(
    readonly client: MetadataClient,
    private readonly profile: Profile,
  ) {}

  async list(opts?: SendOptions): Promise<Metadata> {
    return expectCollection(await this.client.list(opts), SUCCESS);
  }

  async show(key: string, opts?: SendOptions): Promise<[string, string]> {
    return expectItem(await this.client.show(key, opts), SUCCESS);
  }

  async replaceAll(metadata: Metadata, opts?: SendOptions): Promise<Metadata> {
    return expectCollection(await this.client.replaceAll(metadata, opts), SUCCESS);
  }

  async merge(metadata: Metadata, opts?: SendOptions): Promise<Metadata> {
    return expectCollection(await this.client.merge(metadata, opts), SUCCESS);
  }

  async setItem(key: string, value: string, opts?: SendOptions): Promise<[string, string]> {
    return expectItem(await this.client.setItem(key, value, opts), SUCCESS);
  }

  /** DELETE item: a delete status of the profile (SM-DEL-001 names 204) and an empty body. */
  async deleteItem(key: string, opts?: SendOptions): Promise<void> {
    const ex = await this.client.deleteItem(key, opts);
    expectStatus(ex, successStatuses(this.profile, 'deleteItem'));
    expectEmptyBody(ex);
  }
}

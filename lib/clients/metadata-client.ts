import type { HttpClient, SendOptions } from '../http/client.ts';
import type { Exchange } from '../http/exchange.ts';
import { metadataPath, type Resource } from '../http/paths.ts';
import type { Metadata } from '../protocol.ts';

/** The client's maps are lib/protocol.ts's Metadata. */
export type { Metadata };

/**
 * Service client for one resource's metadata (a server, or an image through the proxy) on one API base.
 * Methods send well-formed requests; `raw` sends anything, for negative tests.
 */
export class MetadataClient {
  constructor(
    private readonly http: HttpClient,
    readonly base: string,
    readonly resource: Resource,
    readonly id: string,
  ) {}

  url(key?: string): string {
    return `${this.base}${metadataPath(this.resource, this.id, key)}`;
  }

  /** The same resource on another base, or another resource on this base. */
  with(change: { base?: string; id?: string }): MetadataClient {
    return new MetadataClient(this.http, change.base ?? this.base, this.resource, change.id ?? this.id);
  }

  list(opts?: SendOptions): Promise<Exchange> {
    return this.http.send('GET', this.url(), opts);
  }

  show(key: string, opts?: SendOptions): Promise<Exchange> {
    return this.http.send('GET', this.url(key), opts);
  }

  replaceAll(metadata: Metadata, opts?: SendOptions): Promise<Exchange> {
    return this.http.send('PUT', this.url(), { json: { metadata }, ...opts });
  }

  merge(metadata: Metadata, opts?: SendOptions): Promise<Exchange> {
    return this.http.send('POST', this.url(), { json: { metadata }, ...opts });
  }

  setItem(key: string, value: string, opts?: SendOptions): Promise<Exchange> {
    return this.http.send('PUT', this.url(key), { json: { meta: { [key]: value } }, ...opts });
  }

  deleteItem(key: string, opts?: SendOptions): Promise<Exchange> {
    return this.http.send('DELETE', this.url(key), opts);
  }

  raw(method: string, key: string | undefined, opts?: SendOptions): Promise<Exchange> {
    return this.http.send(method, this.url(key), opts);
  }
}

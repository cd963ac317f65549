import type { ApiVersion } from '../lib/config/endpoint.ts';

/** Where a rule comes from: links a reader can follow, written as the catalogue's sources are (catalogue/sources.ts). */
export type Source = string;

/** One of the six metadata operations (list, show, replace-all, merge, set item, delete item). The one definition. */
export type Operation = keyof Operations;

/** The six metadata operations, each documented by the profile or not. */
export interface Operations {
  list: boolean;
  show: boolean;
  replaceAll: boolean;
  merge: boolean;
  setItem: boolean;
  deleteItem: boolean;
}

/** A rule set the suite applies to a target. Data only: tests read it, they never branch on a profile name. */
export interface Profile {
  name: string;
  title: string;
  /** What the profile as a whole is based on. */
  source: Source;
  /** API bases the target documents; behaviours run on each. */
  bases: readonly ApiVersion[];
  keys: {
    /** ECMAScript regular expression a metadata key must match (anchored). */
    pattern: string;
    minLength: number;
    maxLength: number;
  };
  values: {
    minLength: number;
    /** Counted in Unicode code points, not bytes or UTF-16 units. */
    maxLength: number;
  };
  /** Request bodies. */
  requestBody: {
    /** Largest request body the target reads, in bytes; a larger one is 413 (Nova: oslo.middleware max_request_body_size). */
    maxBytes: number;
  };
  /** Statuses that count as success. */
  success: {
    read: readonly number[];
    write: readonly number[];
    delete: readonly number[];
  };
  /** Operations of the server-metadata API the target documents. */
  operations: Operations;
  /** Operations of the image-metadata proxy the target documents (Rackspace: no PUT on the collection). */
  imageOperations: Operations;
  quota: {
    /**
     * Status of a write that would exceed the metadata item limit, and its fault name. The same for the
     * image proxy (maxImageMeta) in every profile so far: Nova 403 forbidden for both, Rackspace 413 for both.
     */
    status: number;
    fault: string;
    /**
     * The implementation's default item limit. The suite always reads the target's limit from
     * GET /limits; the embedded reference enforces this one when it runs under the profile.
     */
    defaultLimit: number;
  };
  /** Statuses that conform for a method a metadata URL does not support. */
  unsupportedMethod: readonly number[];
  /** Response headers that carry the request id (lower case), and the format of its value. */
  requestId: {
    headers: readonly string[];
    pattern: string;
  };
  /**
   * Every fact in which this profile differs from `nova`, with its source.
   * `fact` is the dotted path of the field (e.g. `values.minLength`).
   */
  deviations: readonly { fact: string; source: Source }[];
}

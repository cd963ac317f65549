/** The data model of differential/cases.json: what real Nova 26.2.2 answered, as extract.ts read it from the transcripts. */

export type Base = 'v2.1' | 'v2';

/** Whose token the recorded request carried (noauth2 tokens are `user:project`). */
export interface TokenUse {
  sent: boolean;
  /** demo: the non-admin owner of the fixtures; admin: an admin user; other: a user of another project. */
  role: 'demo' | 'admin' | 'other' | 'garbage' | 'none';
  /** The token's project (a placeholder or a literal such as `demo-project`). */
  project?: string;
}

/** A Nova fault envelope `{"<name>": {"code": N, "message": "..."}}`. */
export interface FaultShape {
  name: string;
  code: number;
  /** With placeholders for ids; absent when the transcript truncated it. Recorded, never compared. */
  message?: string;
}

/** What matters of a response body. */
export type BodyShape =
  | { kind: 'empty' }
  | { kind: 'html' | 'text' }
  | {
      kind: 'json';
      /** Top-level member names, sorted. */
      members: string[];
      fault?: FaultShape;
      /** The exact metadata map of a collection (`metadata`) or item (`meta`) body, with placeholders. */
      map?: Record<string, string>;
      /** The transcript showed only the beginning of the body (members were read from that beginning). */
      truncated?: boolean;
    };

export interface RecordedAnswer {
  status: number;
  contentType?: string;
  /** `OpenStack-API-Version` was present in the response. */
  microversionHeaders: boolean;
  body: BodyShape;
}

/** The read made after the case (the transcript made it with an admin token of the same project). */
export interface FollowUp {
  method: string;
  path: string;
  status: number;
  map?: Record<string, string>;
}

export interface DiffCase {
  /** Case id as in the transcripts (A1, B3, J32a, …). */
  id: string;
  base: Base;
  section: string;
  title: string;
  method: string;
  /**
   * Path after the base (`/v2.1` or `/v2`), percent-encoding as sent, with placeholders for the recorded ids:
   * `{project}` the token's project, `{server}` the writable server, `{errorServer}` the server in vm_state
   * error, `{image}` the image, `{other}` an id that is deliberately unknown or foreign (another project, an
   * unknown server or image); the locked/building/stopped/rebooting fixtures have their own names (skipped cases).
   */
  path: string;
  /** Request headers as curl sent them, without X-Auth-Token (curl's default `Accept: *\/*` included). */
  headers: Record<string, string>;
  token: TokenUse;
  /** The body exactly as sent; absent when none was sent. */
  body?: string;
  /** Whose metadata the case addresses: the writable server, the image, the error server, a skipped fixture, or an unknown/foreign id. */
  resource: 'server' | 'image' | 'errorServer' | 'other' | 'fixture';
  /** Before the case the resource's metadata is reset to RESET_METADATA. */
  reset: boolean;
  /** Before the case the resource's metadata is set to this map instead (the case depends on an earlier one). */
  seed?: Record<string, string>;
  nova: RecordedAnswer;
  followUp?: FollowUp;
  /** Parts rebuilt from truncated transcript lines (each rebuild was checked against the shown prefix, suffix and length). */
  reconstructed?: string[];
  /** Why the case cannot be reproduced against our targets. */
  skip?: string;
  /** Anything else a reader must know (e.g. a substituted token). */
  note?: string;
}

export interface CasesFile {
  source: string;
  generatedBy: string;
  /** The metadata a *reset* puts on the server or image. */
  resetMetadata: Record<string, string>;
  notes: string[];
  cases: DiffCase[];
}

export const RESET_METADATA: Readonly<Record<string, string>> = { a: '1', b: '2' };

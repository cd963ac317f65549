/** A user as Keystone identifies it: by id, or by name within a domain. */
export interface UserRef {
  id?: string;
  name?: string;
  domain?: { id?: string; name?: string };
}

export interface ProjectRef {
  id?: string;
  name?: string;
  domain?: { id?: string; name?: string };
}

/** Credentials exchanged for a token at Keystone v3 (POST /v3/auth/tokens). */
export type KeystoneCredentials =
  | { method: 'password'; user: UserRef; password: string }
  | { method: 'application_credential'; id?: string; name?: string; user?: UserRef; secret: string }
  | { method: 'token'; token: string };

export type Interface = 'public' | 'internal' | 'admin';

/** How the suite authenticates. */
export type AuthMethod =
  /** A pre-issued token used as is, with METACONFORM_COMPUTE_URL. */
  | { kind: 'token'; token: string }
  /** Keystone v3: a token and the service catalog are obtained (and renewed) from OS_AUTH_URL. */
  | { kind: 'keystone'; authUrl: string; credentials: KeystoneCredentials; project?: ProjectRef; region?: string; interface: Interface };

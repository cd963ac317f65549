/** A user as Keystone identifies it: by id, or by name within a domain. */
export interface UserRef {
  id?: string;
  name?: string;
  domain?: { id?: string; name?: string };
}

/** A project (Keystone v2.0: a tenant, by id or name; no domain). */
export interface ProjectRef {
  id?: string;
  name?: string;
  domain?: { id?: string; name?: string };
}

/** Credentials exchanged for a token at Keystone v3 (POST /v3/auth/tokens). */
export type KeystoneV3Credentials =
  | { method: 'password'; user: UserRef; password: string }
  | { method: 'application_credential'; id?: string; name?: string; user?: UserRef; secret: string }
  | { method: 'token'; token: string };

/** Credentials exchanged for a token at Keystone v2.0 (POST /v2.0/tokens): a password, Rackspace's API key, or a token. */
export type KeystoneV2Credentials =
  | { method: 'v2-password'; username: string; password: string }
  | { method: 'v2-api-key'; username: string; apiKey: string }
  | { method: 'v2-token'; token: string };

/** Credentials for Keystone; the v2-* methods go to the v2.0 API, the others to v3. */
export type KeystoneCredentials = KeystoneV3Credentials | KeystoneV2Credentials;

export type Interface = 'public' | 'internal' | 'admin';

/** How the suite authenticates. */
export type AuthMethod =
  /** A pre-issued token used as is, with METACONFORM_COMPUTE_URL. */
  | { kind: 'token'; token: string }
  /**
   * Keystone (v3, or v2.0 for v2-* credentials): a token and the service catalog are obtained (and renewed)
   * from OS_AUTH_URL; `project` is the scope (v2.0: the tenant).
   */
  | { kind: 'keystone'; authUrl: string; credentials: KeystoneCredentials; project?: ProjectRef; region?: string; interface: Interface };

export function isV2(credentials: KeystoneCredentials): credentials is KeystoneV2Credentials {
  return credentials.method.startsWith('v2-');
}

/** The secret of a set of credentials (registered for redaction wherever it could appear). */
export function secretOf(credentials: KeystoneCredentials): string {
  switch (credentials.method) {
    case 'password':
    case 'v2-password':
      return credentials.password;
    case 'application_credential':
      return credentials.secret;
    case 'v2-api-key':
      return credentials.apiKey;
    case 'token':
    case 'v2-token':
      return credentials.token;
  }
}

/** The variable to blame when Keystone refuses these credentials. */
export function credentialVariable(credentials: KeystoneCredentials): string {
  switch (credentials.method) {
    case 'password':
    case 'v2-password':
      return 'OS_PASSWORD';
    case 'application_credential':
      return 'OS_APPLICATION_CREDENTIAL_SECRET';
    case 'v2-api-key':
      return 'OS_API_KEY';
    case 'token':
    case 'v2-token':
      return 'OS_TOKEN';
  }
}

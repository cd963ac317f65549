import { randomBytes, randomUUID } from 'node:crypto';

/** A user of the reference's Keystone, with an application credential (v3) and an API key (v2.0, Rackspace's RAX-KSKEY). */
export interface KeystoneUser {
  id: string;
  name: string;
  domain: string;
  password: string;
  applicationCredential: { id: string; name: string; secret: string };
  /** The user's API key for v2.0's RAX-KSKEY:apiKeyCredentials (no API-key login without one). */
  apiKey?: string;
}

export interface KeystoneOptions {
  user: KeystoneUser;
  projectId: string;
  projectName: string;
  /** Region of the catalog's identity endpoint, and of its compute endpoints unless `regions` says otherwise. */
  region: string;
  /** Regions in which the catalog offers compute (each endpoint is the reference itself); default [region]. */
  regions?: readonly string[];
  /** Lifetime of issued tokens; expired tokens are refused with 401. */
  tokenTtlMs: number;
  /** Tokens valid without expiry (the reference's own), accepted by the token method. */
  staticTokens?: readonly string[];
}

export interface KeystoneAnswer {
  status: number;
  headers: Record<string, string>;
  body?: unknown;
}

const UNAUTHORIZED: KeystoneAnswer = {
  status: 401,
  headers: {},
  body: { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } },
};

/** Keystone v2.0's 400 (keystone.exception.ValidationError). */
function v2BadRequest(attribute: string, target: string): KeystoneAnswer {
  const message = `Expecting to find ${attribute} in ${target}. The server could not comply with the request since it is either malformed or otherwise incorrect. The client is assumed to be in error.`;
  return { status: 400, headers: {}, body: { error: { code: 400, title: 'Bad Request', message } } };
}

/**
 * A minimal Keystone that issues tokens for the reference's one project, with a service catalog pointing at
 * the reference's compute API:
 * - v3, POST /identity/v3/auth/tokens: password, application credential, token (catalog → /v2.1/{project});
 * - v2.0, POST /identity/v2.0/tokens (Keystone's v2.0 API, as Rackspace still serves it): passwordCredentials,
 *   Rackspace's RAX-KSKEY:apiKeyCredentials, or a token; scoped by tenantId or tenantName, or, without one, to
 *   the user's default tenant as Rackspace does (Keystone's own v2.0 would issue an unscoped token without a
 *   catalog); the catalog's compute publicURL/internalURL/adminURL is the reference's /v2/{tenant} base.
 */
export class Keystone {
  private readonly issued = new Map<string, number>();

  constructor(readonly options: KeystoneOptions) {}

  static defaultUser(): KeystoneUser {
    return {
      id: randomUUID().replaceAll('-', ''),
      name: 'demo',
      domain: 'Default',
      password: randomBytes(12).toString('hex'),
      applicationCredential: { id: randomUUID().replaceAll('-', ''), name: 'metaconform', secret: randomBytes(16).toString('hex') },
      apiKey: randomBytes(16).toString('hex'),
    };
  }

  /** Whether a token was issued here and has not expired. */
  valid(token: string): boolean {
    const expires = this.issued.get(token);
    return expires !== undefined && expires > Date.now();
  }

  private issue(): { token: string; expiresAt: Date } {
    const token = `gAAAA${randomBytes(24).toString('base64url')}`;
    const expiresAt = new Date(Date.now() + this.options.tokenTtlMs);
    this.issued.set(token, expiresAt.getTime());
    return { token, expiresAt };
  }

  private userMatches(ref: { id?: string; name?: string; domain?: { id?: string; name?: string } } | undefined): boolean {
    const u = this.options.user;
    if (!ref) return false;
    if (ref.id) return ref.id === u.id;
    const domainOk = ref.domain?.name === u.domain || ref.domain?.id === u.domain.toLowerCase();
    return ref.name === u.name && domainOk;
  }

  private identityOk(identity: Record<string, unknown>): boolean {
    const methods = identity.methods as string[] | undefined;
    const u = this.options.user;
    if (methods?.[0] === 'password') {
      const user = (identity.password as { user?: { id?: string; name?: string; domain?: { id?: string; name?: string }; password?: string } } | undefined)?.user;
      return this.userMatches(user) && user?.password === u.password;
    }
    if (methods?.[0] === 'application_credential') {
      const ac = identity.application_credential as { id?: string; name?: string; secret?: string; user?: { id?: string; name?: string; domain?: { name?: string } } } | undefined;
      const which = ac?.id ? ac.id === u.applicationCredential.id : ac?.name === u.applicationCredential.name && this.userMatches(ac?.user);
      return !!which && ac?.secret === u.applicationCredential.secret;
    }
    if (methods?.[0] === 'token') {
      const id = (identity.token as { id?: string } | undefined)?.id;
      return !!id && (this.valid(id) || (this.options.staticTokens ?? []).includes(id));
    }
    return false;
  }

  private scopeOk(scope: unknown): boolean {
    if (scope === undefined) return true;
    const project = (scope as { project?: { id?: string; name?: string; domain?: { id?: string; name?: string } } }).project;
    if (!project) return false;
    if (project.id) return project.id === this.options.projectId;
    return project.name === this.options.projectName && (project.domain?.name === this.options.user.domain || project.domain?.id === this.options.user.domain.toLowerCase());
  }

  /** Regions whose catalog offers compute. */
  private computeRegions(): readonly string[] {
    return this.options.regions?.length ? this.options.regions : [this.options.region];
  }

  /**
   * Answers POST /identity/v2.0/tokens (200 with `access`: token, serviceCatalog, user; 400 for a body without
   * credentials; 401 for wrong credentials or a tenant that is not the user's).
   */
  authenticateV2(body: unknown, computeBase: string): KeystoneAnswer {
    const auth = (body as { auth?: Record<string, unknown> } | null | undefined)?.auth;
    if (!auth || typeof auth !== 'object') return v2BadRequest('auth', 'request body');
    const u = this.options.user;
    const password = auth.passwordCredentials as { username?: unknown; userId?: unknown; password?: unknown } | undefined;
    const apiKey = auth['RAX-KSKEY:apiKeyCredentials'] as { username?: unknown; apiKey?: unknown } | undefined;
    const token = auth.token as { id?: unknown } | undefined;
    let ok: boolean;
    if (password) ok = (password.username === u.name || password.userId === u.id) && password.password === u.password;
    else if (apiKey) ok = apiKey.username === u.name && u.apiKey !== undefined && apiKey.apiKey === u.apiKey;
    else if (token) ok = typeof token.id === 'string' && (this.valid(token.id) || (this.options.staticTokens ?? []).includes(token.id));
    else return v2BadRequest('passwordCredentials, RAX-KSKEY:apiKeyCredentials or token', 'auth');
    const { projectId, projectName, user } = this.options;
    const tenantOk = auth.tenantId !== undefined ? auth.tenantId === projectId : auth.tenantName !== undefined ? auth.tenantName === projectName : true;
    if (!ok || !tenantOk) return UNAUTHORIZED;
    const issued = this.issue();
    const endpoint = (region: string) => {
      const url = `${computeBase}/v2/${projectId}`;
      return { id: randomUUID().replaceAll('-', ''), region, tenantId: projectId, publicURL: url, internalURL: url, adminURL: url };
    };
    const identity = `${computeBase}/identity/v2.0`;
    return {
      status: 200,
      headers: {},
      body: {
        access: {
          token: {
            id: issued.token,
            issued_at: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
            expires: issued.expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
            tenant: { id: projectId, name: projectName, description: null, enabled: true },
            audit_ids: [randomBytes(16).toString('base64url')],
          },
          serviceCatalog: [
            { type: 'compute', name: 'nova', endpoints: this.computeRegions().map(endpoint), endpoints_links: [] },
            { type: 'identity', name: 'keystone', endpoints: [{ id: randomUUID().replaceAll('-', ''), region: this.options.region, publicURL: identity, internalURL: identity, adminURL: identity }], endpoints_links: [] },
          ],
          user: { id: user.id, name: user.name, username: user.name, roles: [{ name: 'member' }], roles_links: [] },
          metadata: { is_admin: 0, roles: [] },
        },
      },
    };
  }

  /** Answers POST /identity/v3/auth/tokens; `computeBase` is the reference's URL (catalog entries point there). */
  authenticate(body: unknown, computeBase: string): KeystoneAnswer {
    const auth = (body as { auth?: { identity?: Record<string, unknown>; scope?: unknown } } | null)?.auth;
    if (!auth?.identity) return { status: 400, headers: {}, body: { error: { code: 400, title: 'Bad Request', message: "'identity' is a required property" } } };
    if (!this.identityOk(auth.identity) || !this.scopeOk(auth.scope)) return UNAUTHORIZED;
    const { token, expiresAt } = this.issue();
    const { projectId, projectName, region, user } = this.options;
    const endpoint = (iface: string, at: string) => ({ id: randomUUID().replaceAll('-', ''), interface: iface, region: at, region_id: at, url: `${computeBase}/v2.1/${projectId}` });
    return {
      status: 201,
      headers: { 'x-subject-token': token },
      body: {
        token: {
          methods: auth.identity.methods,
          expires_at: expiresAt.toISOString(),
          user: { id: user.id, name: user.name, domain: { id: user.domain.toLowerCase(), name: user.domain } },
          project: { id: projectId, name: projectName, domain: { id: user.domain.toLowerCase(), name: user.domain } },
          catalog: [
            { type: 'identity', name: 'keystone', endpoints: [{ interface: 'public', region, region_id: region, url: `${computeBase}/identity/v3` }] },
            { type: 'compute', name: 'nova', endpoints: this.computeRegions().flatMap((at) => ['public', 'internal', 'admin'].map((iface) => endpoint(iface, at))) },
          ],
        },
      },
    };
  }
}

import { randomBytes, randomUUID } from 'node:crypto';

/** A user of the reference's Keystone, with an application credential. */
export interface KeystoneUser {
  id: string;
  name: string;
  domain: string;
  password: string;
  applicationCredential: { id: string; name: string; secret: string };
}

export interface KeystoneOptions {
  user: KeystoneUser;
  projectId: string;
  projectName: string;
  /** Region of the catalog's compute endpoints. */
  region: string;
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

/**
 * A minimal Keystone v3 (POST /identity/v3/auth/tokens: password, application credential, token) that issues
 * tokens for the reference's one project, with a service catalog pointing at the reference's compute API.
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

  /** Answers POST /identity/v3/auth/tokens; `computeBase` is the reference's URL (catalog entries point there). */
  authenticate(body: unknown, computeBase: string): KeystoneAnswer {
    const auth = (body as { auth?: { identity?: Record<string, unknown>; scope?: unknown } } | null)?.auth;
    if (!auth?.identity) return { status: 400, headers: {}, body: { error: { code: 400, title: 'Bad Request', message: "'identity' is a required property" } } };
    if (!this.identityOk(auth.identity) || !this.scopeOk(auth.scope)) return UNAUTHORIZED;
    const { token, expiresAt } = this.issue();
    const { projectId, projectName, region, user } = this.options;
    const endpoint = (iface: string) => ({ id: randomUUID().replaceAll('-', ''), interface: iface, region, region_id: region, url: `${computeBase}/v2.1/${projectId}` });
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
            { type: 'compute', name: 'nova', endpoints: ['public', 'internal', 'admin'].map(endpoint) },
          ],
        },
      },
    };
  }
}

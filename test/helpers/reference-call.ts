import type { ReferenceServer } from '../../reference/server.ts';

export interface CallOptions {
  body?: string;
  json?: unknown;
  headers?: Record<string, string>;
  /** another token; null: no X-Auth-Token at all */
  token?: string | null;
}

export interface CallAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

/**
 * A raw request to an in-process reference, for the reference's own tests: `{p}` in the path stands for its
 * project, its token is sent unless another (or none) is given, `json` is sent as application/json, and the
 * answer comes back with its text and, when it is JSON, its parsed body. `defaults` are headers of every call.
 */
export function referenceCaller(ref: () => ReferenceServer, defaults: Record<string, string> = {}) {
  return async (method: string, path: string, opts: CallOptions = {}): Promise<CallAnswer> => {
    const server = ref();
    const headers: Record<string, string> = { Accept: 'application/json', ...defaults, ...opts.headers };
    if (opts.token !== null) headers['X-Auth-Token'] = opts.token ?? server.token;
    let body = opts.body;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['Content-Type'] ??= 'application/json';
    }
    const res = await fetch(`${server.url}${path.replaceAll('{p}', server.projectId)}`, { method, headers, body });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
}

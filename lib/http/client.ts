import { errors as undiciErrors, request } from 'undici';
import { VARS } from '../config/variables.ts';
import { ConfigError, InfrastructureError } from '../errors.ts';
import { AUTH_TOKEN_HEADER } from '../protocol.ts';
import { describeExchange, header, type Exchange } from './exchange.ts';
import { dispatcherFor, noteAnswered, replayable, sendsClientCertificate, watchQueue } from './connections.ts';
import { retryAfterSeconds, type Limiter } from './limit.ts';
import { redactText } from './redact.ts';

export interface HttpOptions {
  token: string;
  timeoutMs: number;
  /** Largest response body read, in bytes; a larger one is an infrastructure error. */
  maxBodyBytes?: number;
  /** Called with every completed exchange (transcripts, counters). */
  onExchange?: (ex: Exchange) => void;
  /** The current token, when it can change during the run (renewed after expiry); overrides `token`. */
  tokenSource?: () => string;
  /** Obtains a new token after a 401; the request is then sent once more. */
  renewToken?: () => Promise<string>;
  /** Bounds the requests in flight (METACONFORM_CONCURRENCY). */
  limiter?: Limiter;
  /** Once aborted (the test that owns this client timed out), no request is sent and the one in flight is dropped. */
  signal?: AbortSignal;
}

/** Rate limiting: statuses whose Retry-After is waited out, how often, and the longest single wait. */
export const RATE_LIMIT = { statuses: [429, 413, 503], attempts: 3, maxWaitSeconds: 60 } as const;

export interface SendOptions {
  headers?: Record<string, string>;
  /** Request body exactly as sent (JSON bodies are serialised by the caller or by `json`). */
  body?: string;
  json?: unknown;
  /** Omit the token (authentication tests). */
  anonymous?: boolean;
  /** Accept a 5xx as an answer instead of an infrastructure error. */
  allow5xx?: boolean;
  /** The request may be sent again after a reset before its answer although its method is POST or DELETE (it changes nothing twice, e.g. writing back what is stored). */
  replayable?: boolean;
}

const DEFAULT_MAX_BODY = 1024 * 1024;
/** How often a replayable request reset before its answer is sent again (each time on another connection). */
const REPLAYS = 2;


/** Certificate errors that mean "this CA is not trusted" or "this is not the host's certificate". */
const UNTRUSTED = /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID|CERT_SIGNATURE_FAILURE|CERT_UNTRUSTED|ERR_TLS_CERT_ALTNAME_INVALID)$/;

/**
 * A TLS failure the configuration can fix, as one line naming the variable (exit 2): an untrusted or foreign
 * certificate (OS_CACERT, or OS_INSECURE), or a front end that asks for a client certificate (OS_CERT, OS_KEY).
 */
function tlsProblem(err: unknown, method: string, url: string): ConfigError | undefined {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.cause?.code ?? e.code ?? '';
  const message = `${e.message ?? ''} ${e.cause?.message ?? ''}`;
  if (UNTRUSTED.test(code)) {
    return new ConfigError('OS_CACERT', `${method} ${redactText(url)}: the server's TLS certificate is not trusted (${code}): set OS_CACERT (clouds.yaml cacert) to the CA bundle that signed it, or OS_INSECURE=true to skip the check`);
  }
  if (/certificate required|alert number 116|handshake failure|ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED|bad certificate/i.test(`${code} ${message}`)) {
    return new ConfigError('OS_CERT', `${method} ${redactText(url)}: the TLS handshake was refused (${code || 'handshake failure'}): the front end may ask for a client certificate: set OS_CERT and OS_KEY (clouds.yaml cert and key)`);
  }
  return undefined;
}

/** A connection closed or reset under a request before any answer: the request may not have reached the application. */
function resetBeforeAnswer(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  const code = e.code ?? e.cause?.code;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_CLOSED';
}

/** The reason networkReason gives for a request that ran out of time. */
const TIMED_OUT = 'timed out';

function networkReason(err: unknown): string {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError) return TIMED_OUT;
  if ((err as Error)?.name === 'TimeoutError' || (err as Error)?.name === 'AbortError') return TIMED_OUT;
  return [e.code ?? e.cause?.code, e.message ?? e.cause?.message].filter(Boolean).join(' ');
}

/**
 * A 5xx answer, thrown as an infrastructure error (no verdict) unless the request allowed it. It carries the
 * exchange, so a check that must judge an answer (a request the rule says is refused with 400 and that crashed
 * with 500 instead) can take it as the answer.
 */
export class ServerErrorAnswer extends InfrastructureError {
  constructor(
    message: string,
    readonly exchange: Exchange,
  ) {
    super(message);
  }
}

/** Sends requests to the target; network faults, timeouts and 5xx become InfrastructureError, never a verdict. */
export class HttpClient {
  constructor(readonly options: HttpOptions) {}

  async send(method: string, url: string, opts: SendOptions = {}): Promise<Exchange> {
    let ex = await this.sendLimited(method, url, opts);
    for (let attempt = 1; attempt <= RATE_LIMIT.attempts; attempt++) {
      const wait = (RATE_LIMIT.statuses as readonly number[]).includes(ex.response.status) ? retryAfterSeconds(header(ex, 'retry-after')) : undefined;
      if (wait === undefined) break;
      if (wait > RATE_LIMIT.maxWaitSeconds || attempt === RATE_LIMIT.attempts) {
        throw new InfrastructureError(`rate limited, no verdict (Retry-After ${wait} s after ${attempt} attempt(s)): ${describeExchange(ex)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, wait * 1000));
      ex = await this.sendLimited(method, url, opts);
    }
    return ex;
  }

  private async sendLimited(method: string, url: string, opts: SendOptions): Promise<Exchange> {
    return this.options.limiter ? this.options.limiter.run(() => this.sendRenewing(method, url, opts)) : this.sendRenewing(method, url, opts);
  }

  private async sendRenewing(method: string, url: string, opts: SendOptions): Promise<Exchange> {
    const ex = await this.sendOnce(method, url, opts);
    const ownToken = !opts.anonymous && !Object.keys(opts.headers ?? {}).some((h) => h.toLowerCase() === AUTH_TOKEN_HEADER.toLowerCase());
    if (ex.response.status === 401 && ownToken && this.options.renewToken) {
      await this.options.renewToken();
      return this.sendOnce(method, url, opts);
    }
    return ex;
  }

  /**
   * When a request timed out while others to the same target were answered, the target may serve fewer
   * connections at once than the run opens (e.g. uwsgi's http11-socket ties a worker to a kept-alive
   * connection): say so, with the remedy.
   */
  private stallHint(endedBefore: number | undefined): string {
    const limiter = this.options.limiter;
    if (!limiter || endedBefore === undefined || limiter.max <= 1) return '';
    const others = limiter.ended - endedBefore;
    if (others <= 0) return '';
    return ` while ${others} other request(s) to the target were answered: it may serve fewer connections at once than ${VARS.concurrency}=${limiter.max}; try a lower ${VARS.concurrency}`;
  }

  private async sendOnce(method: string, url: string, opts: SendOptions): Promise<Exchange> {
    if (this.options.signal?.aborted) throw new InfrastructureError(`${method} ${redactText(url)}: not sent, ${String(this.options.signal.reason)}`);
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (!opts.anonymous) headers[AUTH_TOKEN_HEADER] = this.options.tokenSource?.() ?? this.options.token;
    let body = opts.body;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['Content-Type'] = 'application/json';
    }
    Object.assign(headers, opts.headers);
    const started = performance.now();
    const endedBefore = this.options.limiter?.ended;
    const limit = this.options.maxBodyBytes ?? DEFAULT_MAX_BODY;
    let status: number;
    let responseHeaders: Record<string, string | string[] | undefined>;
    let text: string;
    try {
      const send = async () => {
        const dispatcher = dispatcherFor(url);
        const watched = watchQueue(url, dispatcher);
        try {
          const res = await request(url, {
            method: method as 'GET',
            headers,
            body,
            dispatcher,
            headersTimeout: this.options.timeoutMs,
            bodyTimeout: this.options.timeoutMs,
            signal: this.options.signal ? AbortSignal.any([this.options.signal, AbortSignal.timeout(this.options.timeoutMs)]) : AbortSignal.timeout(this.options.timeoutMs),
          });
          watched(true);
          return res;
        } catch (err) {
          watched(false);
          throw err;
        }
      };
      let res: Awaited<ReturnType<typeof request>>;
      for (let replay = 0; ; replay++) {
        try {
          res = await send();
          break;
        } catch (err) {
          if (!resetBeforeAnswer(err)) throw err;
          this.options.limiter?.observe('reset');
          // a reset before any answer: sent again on another connection where that cannot apply a write twice
          if (!(replayable(method) || opts.replayable)) throw err;
          if (replay >= REPLAYS) {
            // fresh HTTPS connections closed every time before an answer: what a front asking for a client certificate does
            if (url.startsWith('https:') && !sendsClientCertificate()) {
              throw new ConfigError('OS_CERT', `${method} ${redactText(url)}: the server closed ${REPLAYS + 1} connections in a row before answering; a front end that asks for a client certificate does that: set OS_CERT and OS_KEY (clouds.yaml cert and key)`);
            }
            throw err;
          }
        }
      }
      noteAnswered(url, performance.now() - started);
      status = res.statusCode;
      responseHeaders = res.headers;
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > limit) {
          res.body.destroy();
          throw new InfrastructureError(`${method} ${redactText(url)}: response body larger than ${limit} bytes`);
        }
        chunks.push(chunk as Buffer);
      }
      text = Buffer.concat(chunks).toString('utf8');
    } catch (err) {
      if (err instanceof InfrastructureError || err instanceof ConfigError) throw err;
      const tls = tlsProblem(err, method, url);
      if (tls) throw tls;
      const reason = networkReason(err);
      const hint = reason === TIMED_OUT && !this.options.signal?.aborted ? this.stallHint(endedBefore) : '';
      // timed out while others were answered: the target serves fewer at once than are in flight
      if (hint) this.options.limiter?.observe('timed out');
      throw new InfrastructureError(`${method} ${redactText(url)}: ${redactText(reason)}${hint}`);
    }
    const ex: Exchange = {
      request: { method, url, headers, ...(body !== undefined ? { body } : {}) },
      response: { status, headers: responseHeaders, text },
      durationMs: Number((performance.now() - started).toFixed(2)),
    };
    this.options.limiter?.observe(status === 429 || status === 503 ? 'throttled' : 'answered', ex.durationMs);
    this.options.onExchange?.(ex);
    if (status >= 500 && !opts.allow5xx) {
      throw new ServerErrorAnswer(`server error, no verdict: ${describeExchange(ex)}`, ex);
    }
    return ex;
  }
}

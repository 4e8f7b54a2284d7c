// Gluetun's control server (reference/protocols.md §2): plain HTTP, JSON bodies, errors as
// text. Every route needs a role since v3.41; the key goes in X-API-Key (never the query,
// where it could end up in a log), or basic auth.
import { type FetchLike, fetchWithTimeout, jsonOrUndefined, safeUrl } from '../pihole/http.js';
import { nodeFetch } from '../pihole/node-fetch.js';
import { describeSecretSource, readSecret, SecretError, type SecretSource } from '../pihole/secret.js';

export type GluetunAuth =
  | { kind: 'none' }
  | { kind: 'apikey'; key: SecretSource }
  | { kind: 'basic'; username: string; password: SecretSource };

export type GluetunClientOptions = {
  url: string;
  auth: GluetunAuth;
  timeoutMs: number;
  fetch?: FetchLike;
  env?: Readonly<Record<string, string | undefined>>;
};

/** A route's answer: status, JSON body (undefined when not JSON) and the text. */
export type RouteAnswer = { status: number; body: unknown; text: string };

/** How to give the console access, for "auth needed: …" (never a value). */
export function authHint(auth: GluetunAuth): string {
  switch (auth.kind) {
    case 'none':
      return "vpn.apiKeyEnv or vpn.apiKeyFile in the config (a key from `docker run --rm qmcgaw/gluetun genkey`, in a role of Gluetun's auth config)";
    case 'apikey':
      return describeSecretSource(auth.key);
    case 'basic':
      return `${describeSecretSource(auth.password)} (password of ${auth.username})`;
  }
}

export class GluetunClient {
  readonly url: string;
  private readonly fetchImpl: FetchLike;

  constructor(private readonly options: GluetunClientOptions) {
    this.url = options.url.replace(/\/+$/, '');
    this.fetchImpl = options.fetch ?? nodeFetch;
  }

  get where(): string {
    return safeUrl(this.url);
  }

  /** True when credentials will be sent (the secret is configured and set). */
  async credentials(): Promise<Record<string, string>> {
    const env = this.options.env ?? process.env;
    const auth = this.options.auth;
    if (auth.kind === 'none') return {};
    try {
      if (auth.kind === 'apikey') {
        const key = (await readSecret(auth.key, env)).value;
        return key === null ? {} : { 'X-API-Key': key };
      }
      const password = (await readSecret(auth.password, env)).value;
      return password === null ? {} : { authorization: `Basic ${Buffer.from(`${auth.username}:${password}`).toString('base64')}` };
    } catch (error) {
      // An unreadable key file is reported as no key: the server's 401 then says what to set.
      if (error instanceof SecretError) return {};
      throw error;
    }
  }

  /**
   * GET a route. Rejects with HttpCallError when nothing answers, or when the server redirects a
   * request carrying the key or password to another origin (not followed).
   */
  async get(path: string, signal: AbortSignal, headers?: Record<string, string>): Promise<RouteAnswer> {
    const credentials = headers ?? (await this.credentials());
    const { response, text } = await fetchWithTimeout(
      this.fetchImpl,
      `${this.url}${path}`,
      {
        method: 'GET',
        headers: { accept: 'application/json', ...credentials },
        redirect: Object.keys(credentials).length > 0 ? 'same-origin' : 'follow',
      },
      this.options.timeoutMs,
      signal,
    );
    return { status: response.status, body: jsonOrUndefined(text), text };
  }
}

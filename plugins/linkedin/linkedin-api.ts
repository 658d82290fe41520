import type { PluginContext, PluginHttpResponse } from '../../src/plugin-sdk';
import { failureOf, unanswered } from './linkedin-errors';
import type { LinkedInOptions } from './linkedin-options.schema';
import { LINKEDIN_VERSION, RESTLI_PROTOCOL_VERSION } from './linkedin-version';

export interface LinkedInCall {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path under the API host, URNs already encoded (`encodeURIComponent`), e.g. "/rest/posts". */
  path: string;
  /** The query string as Rest.li wants it (its own syntax: `List(…)`, `(timeRange:(…))`), values encoded. */
  query?: string;
  json?: unknown;
  /** The call creates something (a post, a comment): a failure after sending is an unknown outcome. */
  creates?: boolean;
  /** Statuses that are answers, not failures (404 for a delete of a post already gone). */
  alsoFine?: number[];
  /** The action, for messages people read ("publishing a post"). */
  what: string;
}

/** The access token for one call: read anew every time (never kept beyond it), never logged. */
export type TokenSource = () => Promise<string>;

/**
 * One account's versioned REST API: every call carries `LinkedIn-Version`, `X-Restli-Protocol-Version: 2.0.0` and
 * the current token; every non-2xx answer (or none) becomes the SDK's error. Messages never contain the token.
 */
export class LinkedInApi {
  constructor(
    private readonly context: PluginContext,
    private readonly options: LinkedInOptions,
    private readonly token: TokenSource,
  ) {}

  async call(call: LinkedInCall): Promise<PluginHttpResponse> {
    const method = call.method ?? 'GET';
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${await this.token()}`,
      'linkedin-version': LINKEDIN_VERSION,
      'x-restli-protocol-version': RESTLI_PROTOCOL_VERSION,
    };
    if (call.json !== undefined) {
      headers['content-type'] = 'application/json';
    }
    const url = `${this.options.apiUrl.replace(/\/$/, '')}${call.path}${call.query ? `?${call.query}` : ''}`;
    let response: PluginHttpResponse;
    try {
      response = await this.context.http.request(url, {
        method,
        headers,
        body: call.json === undefined ? undefined : JSON.stringify(call.json),
        timeoutMs: this.options.timeoutMs,
      });
    } catch (error) {
      throw unanswered(error, call.creates === true, call.what);
    }
    if ((response.status >= 200 && response.status < 300) || call.alsoFine?.includes(response.status)) {
      return response;
    }
    throw await failureOf(response, this.context.clock.now(), call.creates === true, call.what);
  }

  /** A call whose JSON answer is read; a body that is not JSON names the plugin and the call. */
  async json<T>(call: LinkedInCall): Promise<T> {
    const response = await this.call(call);
    const text = await response.text().catch((error: unknown) => {
      throw unanswered(error, call.creates === true, call.what);
    });
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(
        `plugin linkedin: LinkedIn answered ${call.method ?? 'GET'} ${call.path} with something that is not JSON (is apiUrl "${this.options.apiUrl}" LinkedIn's API?)`,
      );
    }
  }

  /**
   * The token goes with an upload only to LinkedIn itself (its upload URLs are on *.linkedin.com, or on the API host
   * a test points at): an upload URL elsewhere gets the bytes, never the token.
   */
  private async uploadAuthorization(uploadUrl: string): Promise<Record<string, string>> {
    const host = new URL(uploadUrl).hostname;
    const trusted =
      host === new URL(this.options.apiUrl).hostname ||
      host === 'linkedin.com' ||
      host.endsWith('.linkedin.com');
    return trusted ? { authorization: `Bearer ${await this.token()}` } : {};
  }

  /** PUTs bytes to an upload URL LinkedIn gave (it carries its own signature; the token goes along as documented). */
  async upload(uploadUrl: string, bytes: Uint8Array, contentType: string, what: string): Promise<void> {
    let response: PluginHttpResponse;
    try {
      response = await this.context.http.request(uploadUrl, {
        method: 'PUT',
        headers: { ...(await this.uploadAuthorization(uploadUrl)), 'content-type': contentType },
        body: bytes,
        timeoutMs: Math.max(this.options.timeoutMs, 60_000),
      });
    } catch (error) {
      // Uploading twice creates nothing visible: an unanswered upload is simply tried again.
      throw unanswered(error, false, what);
    }
    if (response.status < 200 || response.status > 299) {
      throw await failureOf(response, this.context.clock.now(), false, what);
    }
  }
}

/** A URN as a path segment or query value. */
export const urnParam = (urn: string): string => encodeURIComponent(urn);

import {
  outcomeUnknown,
  PermanentError,
  type PluginContext,
  type PluginHttpResponse,
} from '../../src/plugin-sdk';
import { failureOf, unanswered } from './wordpress-errors';
import type { WordPressOptions } from './wordpress-options.schema';

export interface WordPressCall {
  method?: 'GET' | 'POST' | 'DELETE';
  /** A route of the REST API, e.g. "/wp/v2/posts" or "/wp/v2/posts/12". */
  route: string;
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  /** A raw body (a media upload) with its headers. */
  body?: Uint8Array;
  headers?: Record<string, string>;
  /** The call creates something (a post, a comment, a file): a failure after sending is an unknown outcome. */
  creates?: boolean;
  /** Statuses that are answers, not failures (404 for a delete of a post already gone). */
  alsoFine?: number[];
  /** The action, for messages people read ("publishing a post"). */
  what: string;
  timeoutMs?: number;
}

/** `rel="https://api.w.org/"` in a Link header: the REST API's root, as WordPress announces it on every page. */
export function restRootFromLinkHeader(link: string | undefined): string | undefined {
  for (const part of (link ?? '').split(/,(?=\s*<)/)) {
    const match = /<([^>]+)>\s*;\s*rel="?https:\/\/api\.w\.org\/"?/.exec(part.trim());
    if (match) {
      return match[1];
    }
  }
  return undefined;
}

/**
 * The URL of a route under a REST root. Pretty permalinks: `https://site/wp-json/` + `wp/v2/posts?…`. Plain ones:
 * `https://site/?rest_route=/` becomes `https://site/?rest_route=/wp/v2/posts&…`.
 */
export function routeUrl(restBase: string, route: string, query: WordPressCall['query'] = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) {
      params.set(name, String(value));
    }
  }
  const base = new URL(restBase);
  if (base.searchParams.has('rest_route')) {
    base.searchParams.set('rest_route', route);
    for (const [name, value] of params) {
      base.searchParams.set(name, value);
    }
    // URLSearchParams encodes "/" in rest_route; WordPress decodes it, but keep the address readable.
    return base
      .toString()
      .replace(/rest_route=([^&]*)/, (_, value: string) => `rest_route=${decodeURIComponent(value)}`);
  }
  const path = `${base.pathname.replace(/\/$/, '')}/${route.replace(/^\//, '')}`;
  const search = params.toString();
  return `${base.origin}${path}${search ? `?${search}` : ''}`;
}

/**
 * One site's REST API with an application password (HTTP Basic): every non-2xx answer (or none) becomes the SDK's
 * error. The password never appears in a message or a log.
 */
export class WordPressApi {
  private restBase: string | undefined;

  constructor(
    private readonly context: PluginContext,
    private readonly options: WordPressOptions,
  ) {
    this.restBase = options.restBase;
  }

  private authorization(): string {
    const pair = `${this.options.username}:${this.options.applicationPassword.replace(/\s+/g, '')}`;
    return `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
  }

  /**
   * The REST root: the option, else what the site announces (the Link header of its home page), else `/wp-json/`
   * when it answers as the API, else `?rest_route=/` (always served, pretty permalinks or not).
   */
  async root(): Promise<string> {
    if (this.restBase) {
      return this.restBase;
    }
    const site = this.options.siteUrl.replace(/\/?$/, '/');
    const what = 'finding the REST API of the site';
    let home: PluginHttpResponse;
    try {
      home = await this.context.http.request(site, { method: 'GET', timeoutMs: this.options.timeoutMs });
    } catch (error) {
      throw unanswered(error, false, what);
    }
    await home.bytes().catch(() => undefined);
    let found = restRootFromLinkHeader(home.headers.link);
    if (!found) {
      try {
        const index = await this.context.http.request(`${site}wp-json/`, {
          timeoutMs: this.options.timeoutMs,
        });
        const text = await index.text();
        found =
          index.status === 200 && text.trimStart().startsWith('{') && text.includes('"namespaces"')
            ? `${site}wp-json/`
            : `${site}?rest_route=/`;
      } catch (error) {
        throw unanswered(error, false, what);
      }
    }
    this.restBase = found;
    this.context.logger.info(`WordPress REST API at ${found}`);
    return found;
  }

  async call(call: WordPressCall): Promise<PluginHttpResponse> {
    const method = call.method ?? 'GET';
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: this.authorization(),
      ...call.headers,
    };
    if (call.json !== undefined) {
      headers['content-type'] = 'application/json';
    }
    const url = routeUrl(await this.root(), call.route, call.query);
    let response: PluginHttpResponse;
    try {
      response = await this.context.http.request(url, {
        method,
        headers,
        body: call.body ?? (call.json === undefined ? undefined : JSON.stringify(call.json)),
        timeoutMs: call.timeoutMs ?? this.options.timeoutMs,
      });
    } catch (error) {
      throw unanswered(error, call.creates === true, call.what);
    }
    if ((response.status >= 200 && response.status < 300) || call.alsoFine?.includes(response.status)) {
      return response;
    }
    throw await failureOf(
      response,
      this.context.clock.now(),
      call.creates === true,
      call.what,
      this.options.username,
    );
  }

  /** A call whose JSON answer is read; HTML instead of JSON means the REST root is wrong (or the API disabled). */
  async json<T>(call: WordPressCall): Promise<{ body: T; headers: Record<string, string> }> {
    const response = await this.call(call);
    const text = await response.text().catch((error: unknown) => {
      throw unanswered(error, call.creates === true, call.what);
    });
    try {
      return { body: JSON.parse(text) as T, headers: response.headers };
    } catch {
      if (call.creates) {
        throw outcomeUnknown(
          `WordPress answered ${method(call)} ${call.route} with something that is not JSON; it may have done it`,
        );
      }
      throw new PermanentError(
        `plugin wordpress: ${this.options.siteUrl} answered ${method(call)} ${call.route} with something that is not JSON: is "${await this.root()}" the site's REST API (set options.restBase), and is the REST API enabled?`,
      );
    }
  }
}

const method = (call: WordPressCall) => call.method ?? 'GET';

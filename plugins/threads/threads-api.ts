import type { PluginContext, PluginHttpResponse } from '../../src/plugin-sdk';
import { failureOf, unanswered } from './threads-errors';
import { THREADS_API_VERSION } from './threads-version';

export type Params = Record<string, string | number | boolean | undefined>;

export interface GraphCall {
  method?: 'GET' | 'POST' | 'DELETE';
  /** Path under the version, e.g. "/123/threads". */
  path: string;
  params?: Params;
  /** Names the action in errors ("publishing the container"). */
  what: string;
  /** The call creates something (a container, a post): a server error or no answer is an unknown outcome. */
  creates?: boolean;
}

/** One page of a Graph edge: `data` and `paging.cursors.after` (with `paging.next` when there is more). */
export interface GraphPage<T> {
  data: T[];
  paging?: { cursors?: { before?: string; after?: string }; next?: string };
}

/**
 * The Threads Graph API for one channel: the token goes in the Authorization header (never in a URL that could
 * be logged), parameters in the query for reads and as a form for writes, as Graph accepts both.
 */
export class ThreadsApi {
  constructor(
    private readonly context: PluginContext,
    private readonly apiBaseUrl: string,
    private readonly timeoutMs: number,
    private readonly token: () => Promise<string>,
  ) {}

  /** Sends one call and answers its JSON; every failure is the SDK's error for it. */
  async call<T>(call: GraphCall): Promise<T> {
    const method = call.method ?? 'GET';
    const url = new URL(`${this.apiBaseUrl.replace(/\/$/, '')}/${THREADS_API_VERSION}${call.path}`);
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(call.params ?? {})) {
      if (value !== undefined) {
        params.set(name, String(value));
      }
    }
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${await this.token()}`,
    };
    let body: string | undefined;
    if (method === 'GET') {
      url.search = params.toString();
    } else {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = params.toString();
    }
    const creates = call.creates ?? false;
    let response: PluginHttpResponse;
    try {
      response = await this.context.http.request(url.toString(), {
        method,
        headers,
        body,
        timeoutMs: this.timeoutMs,
      });
    } catch (error) {
      throw unanswered(error, call.what, creates);
    }
    if (response.status < 200 || response.status > 299) {
      throw await failureOf(response, call.what, {
        now: this.context.clock.now(),
        scope: this.context.scope,
        creates,
      });
    }
    try {
      return (await response.json<T>()) ?? ({} as T);
    } catch (error) {
      throw unanswered(error, `${call.what} (reading the answer)`, creates);
    }
  }
}

/** A Graph id as Threads sends it (a numeric string); anything else is an error naming the plugin. */
export function idOf(answer: unknown, what: string): string {
  const id = (answer as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string' || id === '') {
    throw new Error(
      `plugin threads: Threads answered ${what} without an id (${JSON.stringify(answer)?.slice(0, 200)})`,
    );
  }
  return id;
}

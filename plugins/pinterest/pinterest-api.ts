import { outcomeUnknown, type PluginContext, type PluginHttpResponse, type z } from '../../src/plugin-sdk';
import { failureOf, unanswered } from './pinterest-errors';
import { apiRootOf, type PinterestOptions } from './pinterest-options.schema';

export interface PinterestCall {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path under the API root (…/v5), ids already checked as digits, e.g. "/pins". */
  path: string;
  query?: Record<string, string>;
  json?: unknown;
  /** The call creates a pin: a failure after sending is an unknown outcome. */
  creates?: boolean;
  /** Statuses that are answers, not failures (404 for a delete of a pin already gone). */
  alsoFine?: number[];
  /** A 404 means this board is not the account's (Create Pin). */
  boardNotFound?: string;
  /** The action, for messages people read ("publishing a pin"). */
  what: string;
}

/** The access token for one call: read anew every time, never logged. */
export type TokenSource = () => Promise<string>;

/**
 * One account's Pinterest API v5: every call carries the current token; every non-2xx answer (or none) becomes the
 * SDK's error, and every JSON answer is checked against a schema before it is trusted.
 */
export class PinterestApi {
  readonly root: string;

  constructor(
    private readonly context: PluginContext,
    private readonly options: PinterestOptions,
    private readonly token: TokenSource,
  ) {
    this.root = apiRootOf(options);
  }

  async call(call: PinterestCall): Promise<PluginHttpResponse> {
    const method = call.method ?? 'GET';
    const headers: Record<string, string> = {
      accept: 'application/json',
      authorization: `Bearer ${await this.token()}`,
    };
    if (call.json !== undefined) {
      headers['content-type'] = 'application/json';
    }
    const query = call.query ? `?${new URLSearchParams(call.query).toString()}` : '';
    let response: PluginHttpResponse;
    try {
      response = await this.context.http.request(`${this.root}${call.path}${query}`, {
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
    throw await failureOf(response, {
      creates: call.creates === true,
      what: call.what,
      now: this.context.clock.now(),
      sandbox: this.options.sandbox,
      boardNotFound: call.boardNotFound,
    });
  }

  /** A call whose JSON answer must match `schema`; anything else names the plugin, the call and what was wrong. */
  async json<S extends z.ZodType>(call: PinterestCall, schema: S): Promise<z.output<S>> {
    const response = await this.call(call);
    const text = await response.text().catch((error: unknown) => {
      throw unanswered(error, call.creates === true, call.what);
    });
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      const message = `plugin pinterest: Pinterest answered ${call.method ?? 'GET'} ${call.path} with something that is not JSON (is the API root "${this.root}" Pinterest's?)`;
      throw call.creates ? outcomeUnknown(message) : new Error(message);
    }
    const checked = schema.safeParse(parsed);
    if (!checked.success) {
      const message = `plugin pinterest: Pinterest's answer to ${call.method ?? 'GET'} ${call.path} (while ${call.what}) is not what its API describes: ${checked.error.issues
        .slice(0, 3)
        .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
        .join('; ')}`;
      // A create answered 2xx did happen: an unreadable answer must be looked up, never sent again blindly.
      throw call.creates ? outcomeUnknown(message) : new Error(message);
    }
    return checked.data;
  }
}

import type {
  OneStepConnector,
  PluginContext,
  PluginHttpResponse,
  PublishRequest,
  PublishResult,
} from '../../src/plugin-sdk';
import { failureOf, unanswered } from './http-post-errors';
import type { HttpPostOptions } from './http-post-options.schema';

/** What the endpoint answers for a stored post. */
interface StoredPost {
  id: string;
  url?: string;
}

/**
 * One endpoint that takes posts as JSON (an intranet, a CMS, a static site's build hook): the key goes in the
 * Idempotency-Key header so a repeated send returns the first post, and `GET /posts?idempotencyKey=` finds it again.
 */
export class HttpPostConnector implements OneStepConnector {
  constructor(
    private readonly context: PluginContext,
    private readonly options: HttpPostOptions,
  ) {}

  async publish(request: PublishRequest): Promise<PublishResult> {
    const response = await this.send('POST', '/posts', {
      headers: { 'idempotency-key': request.idempotencyKey },
      json: { text: request.text, scheduledAt: request.scheduledAt.toISOString(), extra: request.extra },
    });
    const post = await response.json<StoredPost>();
    return { remoteId: post.id, url: post.url };
  }

  async lookup(idempotencyKey: string): Promise<PublishResult | undefined> {
    const query = new URLSearchParams({ idempotencyKey });
    const response = await this.send('GET', `/posts?${query.toString()}`);
    const [post] = await response.json<StoredPost[]>();
    return post ? { remoteId: post.id, url: post.url } : undefined;
  }

  async delete(remoteId: string): Promise<void> {
    // Deleting a post that is already gone is done, not an error.
    await this.send('DELETE', `/posts/${encodeURIComponent(remoteId)}`, { gone: [404, 410] });
  }

  /** One request to the endpoint; a non-2xx answer or none at all becomes the SDK's error for it. */
  private async send(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    init: { headers?: Record<string, string>; json?: unknown; gone?: number[] } = {},
  ): Promise<PluginHttpResponse> {
    const created = method === 'POST';
    const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
    if (this.options.token) {
      headers.authorization = `Bearer ${this.options.token}`;
    }
    if (init.json !== undefined) {
      headers['content-type'] = 'application/json';
    }
    let response: PluginHttpResponse;
    try {
      response = await this.context.http.request(`${this.options.endpoint.replace(/\/$/, '')}${path}`, {
        method,
        headers,
        body: init.json === undefined ? undefined : JSON.stringify(init.json),
        timeoutMs: this.options.timeoutMs,
      });
    } catch (error) {
      throw unanswered(error, created);
    }
    if ((response.status >= 200 && response.status < 300) || init.gone?.includes(response.status)) {
      return response;
    }
    throw await failureOf(response, this.context.clock.now(), created);
  }
}

import { randomBytes } from 'node:crypto';
import {
  isPublishAccepted,
  type Connector,
  type PublishOutcome,
  type PublishRequest,
  type PublishResult,
} from '../connector';
import type { ConnectorPlugin } from '../plugin-definition';
import type { ConformancePlatform } from './conformance-types';
import type { TestPluginContext } from './test-plugin-context';

/** A check's verdict: what is wrong, in words that tell the author the fix. Thrown by checks. */
export class ConformanceProblem extends Error {
  override name = 'ConformanceProblem';
}

/** The SDK error classes by name: a plugin may bundle its own copy of the SDK, so `instanceof` is not enough. */
export type SdkErrorName =
  'RateLimitedError' | 'AuthenticationError' | 'PermanentError' | 'OutcomeUnknownError' | 'TransientError';

export function isSdkError(error: unknown, name: SdkErrorName): boolean {
  return error instanceof Error && error.name === name;
}

/** "PermanentError: refused (400)…" — how the report names an error the connector threw. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    return `${error.name}: ${error.message}`;
  }
  return `a non-Error value (${JSON.stringify(error)})`;
}

const STATUS_POLLS = 60;
const LONGEST_STATUS_WAIT_MS = 1_000;

/** What every check works with: the platform, the shared context, one connector, and fresh keys and texts. */
export class ConformanceSession<Options> {
  /** Keeps keys and texts of this run apart from anything already on the platform. */
  readonly runId = randomBytes(4).toString('hex');

  constructor(
    readonly plugin: ConnectorPlugin<Options>,
    readonly platform: ConformancePlatform<Options>,
    readonly context: TestPluginContext,
    readonly connector: Connector,
    /** A new connector instance on the same context (state store): a restarted worker. */
    readonly newConnector: () => Promise<Connector>,
  ) {}

  key(label: string): string {
    return `conformance-${this.runId}-${label}`;
  }

  text(label: string): string {
    return `Conformance ${label} ${this.runId}`;
  }

  request(label: string, text = this.text(label)): PublishRequest {
    return {
      idempotencyKey: this.key(label),
      text,
      // Every post has a title since SDK 2.2; connectors whose posts have one publish it.
      title: `Conformance ${label}`,
      media: [],
      scheduledAt: this.context.clock.now(),
      extra: {},
    };
  }

  /** Publishes and, for a two-step connector, asks `status` until the post is published. */
  async publish(request: PublishRequest, connector = this.connector): Promise<PublishResult> {
    const publish = connector.publish?.bind(connector);
    if (!publish) {
      throw new ConformanceProblem('the connector has no publish method');
    }
    return this.settle(await publish(request), 'publish', connector);
  }

  /** The result of a publish or lookup answer, waiting through "accepted, finishing" as the core does. */
  async settle(outcome: PublishOutcome, what: string, connector = this.connector): Promise<PublishResult> {
    if (!outcome || typeof outcome !== 'object') {
      throw new ConformanceProblem(
        `${what} answered ${JSON.stringify(outcome)}: answer { remoteId, url?, publishedAt? } (or { status: 'accepted', handle } with capabilities.twoStep)`,
      );
    }
    if (!isPublishAccepted(outcome)) {
      return this.checkedResult(outcome, what);
    }
    if (!this.plugin.capabilities.twoStep || !connector.status) {
      throw new ConformanceProblem(
        `${what} answered "accepted" (handle ${outcome.handle}) but the plugin does not declare capabilities.twoStep with a status(handle) method: declare both, or answer the published post`,
      );
    }
    for (let poll = 0; poll < STATUS_POLLS; poll++) {
      const status = await connector.status(outcome.handle);
      if (status.status === 'published') {
        return this.checkedResult(status.result, `status("${outcome.handle}")`);
      }
      if (status.status === 'failed') {
        throw new ConformanceProblem(`status("${outcome.handle}") answered failed: ${status.reason}`);
      }
      await sleep(Math.min(status.checkAfterMs ?? outcome.checkAfterMs ?? 100, LONGEST_STATUS_WAIT_MS));
    }
    throw new ConformanceProblem(
      `status("${outcome.handle}") still answered "finishing" after ${STATUS_POLLS} questions: the platform never finished the post`,
    );
  }

  /** What the core does after an error that was not permanent: look the post up, and publish again only if absent. */
  async lookupThenRetry(request: PublishRequest, connector = this.connector): Promise<PublishResult> {
    const found = connector.lookup ? await connector.lookup(request.idempotencyKey) : undefined;
    return found
      ? this.settle(found, `lookup("${request.idempotencyKey}")`, connector)
      : this.publish(request, connector);
  }

  /** The platform's posts with exactly this text. */
  async postsWithText(text: string): Promise<Array<{ remoteId: string; text: string }>> {
    return (await this.platform.posts()).filter((post) => post.text === text);
  }

  /** Fails unless the platform holds exactly one post with the request's text, the one `result` names. */
  async expectOnePost(request: PublishRequest, result: PublishResult, after: string): Promise<void> {
    const posts = await this.postsWithText(request.text);
    if (posts.length !== 1) {
      throw new ConformanceProblem(
        `${after}, the platform holds ${posts.length} posts with the text "${request.text}" instead of one${posts.length > 1 ? ': a retry duplicated the post; look it up (lookup) before sending again, and send the idempotency key to the platform' : ': the post was not published'}`,
      );
    }
    if (posts[0].remoteId !== result.remoteId) {
      throw new ConformanceProblem(
        `${after}, the connector answered remoteId "${result.remoteId}" but the post on the platform is "${posts[0].remoteId}"`,
      );
    }
  }

  private checkedResult(result: PublishResult, what: string): PublishResult {
    if (typeof result.remoteId !== 'string' || result.remoteId === '') {
      throw new ConformanceProblem(
        `${what} answered no remoteId (${JSON.stringify(result)}): answer the platform's id of the post as a non-empty string`,
      );
    }
    if (result.url !== undefined && typeof result.url !== 'string') {
      throw new ConformanceProblem(
        `${what} answered url ${JSON.stringify(result.url)}: a URL is a string, or left out`,
      );
    }
    const publishedAt: unknown = result.publishedAt;
    if (
      publishedAt !== undefined &&
      (!(publishedAt instanceof Date) || Number.isNaN(publishedAt.getTime()))
    ) {
      throw new ConformanceProblem(
        `${what} answered publishedAt ${JSON.stringify(publishedAt)}: answer a valid Date (new Date(platformTime)), or leave it out`,
      );
    }
    return result;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

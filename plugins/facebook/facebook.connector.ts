import {
  credentialsOf,
  needsReconnect,
  type ChannelMetrics,
  type Connector,
  type InboxItemInput,
  type InboxItemRef,
  type PluginContext,
  type ProfileSnapshot,
  type PublishRequest,
  type PublishResult,
  type ReplyRequest,
} from '../../src/plugin-sdk';
import { GraphApi } from './facebook-api';
import { fetchPageComments } from './facebook-inbox';
import { fetchPageMetrics } from './facebook-metrics';
import type { FacebookOptions } from './facebook-options.schema';
import { FacebookPublisher } from './facebook-publish';

/**
 * One Facebook Page through the Graph API with a Page access token: posts (text, link, photos), deletes, comments
 * into the inbox, replies to comments, the Page's profile and Page Insights. The token comes from the host's OAuth
 * store (`metronome channels connect`) or, for people who paste one, from the `accessToken` option; it is read on
 * every call and never kept, logged or put in a message.
 */
export class FacebookConnector implements Connector {
  private readonly publisher: FacebookPublisher;

  constructor(
    private readonly context: PluginContext,
    private readonly options: FacebookOptions,
  ) {
    this.publisher = new FacebookPublisher(context, () => this.graph());
  }

  publish(request: PublishRequest): Promise<PublishResult> {
    return this.publisher.publish(request);
  }

  lookup(idempotencyKey: string): Promise<PublishResult | undefined> {
    return this.publisher.lookup(idempotencyKey);
  }

  reply(item: InboxItemRef, request: ReplyRequest): Promise<PublishResult> {
    return this.publisher.reply(item.remoteId, request);
  }

  /** `DELETE /{post-id}`; a post already gone (Graph code 100, "does not exist") counts as deleted. */
  async delete(remoteId: string): Promise<void> {
    const { api } = await this.graph();
    try {
      await api.call({ method: 'DELETE', path: remoteId, what: `deleting post ${remoteId}` });
    } catch (error) {
      const code = (error as { platformCode?: string }).platformCode;
      if (code === '100' || code === '404') {
        return;
      }
      throw error;
    }
  }

  async fetchInbox(since: Date | undefined): Promise<InboxItemInput[]> {
    const { api, pageId } = await this.graph();
    const lookbackFrom = new Date(
      this.context.clock.now().getTime() - this.options.inboxLookbackDays * 86_400_000,
    );
    return fetchPageComments(api, this.context.state, pageId, since, lookbackFrom);
  }

  async fetchMetrics(day: string): Promise<ChannelMetrics> {
    const { api, pageId } = await this.graph();
    return fetchPageMetrics(api, pageId, day);
  }

  /** The Page's name, About text and website (`GET /{page-id}?fields=name,about,website`). */
  async getProfile(): Promise<ProfileSnapshot> {
    const { api, pageId } = await this.graph();
    const { body } = await api.call<{ name?: unknown; about?: unknown; website?: unknown }>({
      path: pageId,
      params: { fields: 'name,about,website' },
      what: `reading Page ${pageId}'s profile`,
    });
    const website = typeof body.website === 'string' ? body.website.split(/\s+/).filter(Boolean) : [];
    return {
      ...(typeof body.name === 'string' ? { displayName: body.name } : {}),
      ...(typeof body.about === 'string' ? { bio: body.about } : {}),
      links: website,
    };
  }

  /**
   * Asks the host for newer tokens after Graph refused the token (code 190). Page tokens have no refresh grant
   * (see facebook-oauth.ts): this answers true only when the channel was reconnected meanwhile.
   */
  async refreshCredentials(): Promise<boolean> {
    if (this.options.accessToken) {
      return false;
    }
    return credentialsOf(this.context).refresh();
  }

  /** The Graph client and the Page for one call: the token is read now, from the option or the OAuth store. */
  private async graph(): Promise<{ api: GraphApi; pageId: string }> {
    const scope = this.context.scope;
    const reconnectHint = `\`metronome channels connect ${scope}\``;
    let pageId = this.options.pageId;
    let token: string;
    if (this.options.accessToken) {
      token = this.options.accessToken;
    } else {
      const tokens = await credentialsOf(this.context).current();
      token = tokens.accessToken;
      pageId = pageId ?? tokens.account?.pageId;
    }
    if (!pageId) {
      throw needsReconnect(
        `plugin facebook (${scope}): no Page is chosen: set the channel's option pageId, or run ${reconnectHint} again`,
      );
    }
    const api = new GraphApi({
      http: this.context.http,
      clock: this.context.clock,
      baseUrl: this.options.graphBaseUrl,
      token: async () => token,
      appSecret: this.options.clientSecret,
      reconnectHint,
    });
    return { api, pageId };
  }
}

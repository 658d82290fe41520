import type { InboxItemInput } from '../../src/plugin-sdk';
import type { GraphPage, ThreadsApi } from './threads-api';

interface ThreadsReply {
  id: string;
  text?: string;
  username?: string;
  timestamp?: string;
  permalink?: string;
  replied_to?: { id?: string };
  is_reply_owned_by_me?: boolean;
}

const MAX_PAGES = 20;

/** Every page of an edge, following `paging.cursors.after` while Graph says there is a next page. */
async function allPages<T>(
  api: ThreadsApi,
  path: string,
  params: Record<string, string | number>,
  what: string,
): Promise<T[]> {
  const items: T[] = [];
  let after: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await api.call<GraphPage<T>>({ path, params: { ...params, after }, what });
    items.push(...(answer.data ?? []));
    after = answer.paging?.next ? answer.paging.cursors?.after : undefined;
    if (!after) {
      break;
    }
  }
  return items;
}

/**
 * The inbox: every reply in the conversations under the account's posts of the last `lookbackDays` days
 * (GET /{user}/threads, then GET /{media}/conversation, paginated), newer than `since`. The account's own replies
 * come back with `byOwner` so they mark the reply they answer as answered.
 */
export async function fetchThreadsInbox(
  api: ThreadsApi,
  userId: string,
  since: Date | undefined,
  now: Date,
  lookbackDays: number,
): Promise<InboxItemInput[]> {
  const postsSince = Math.floor(now.getTime() / 1000) - lookbackDays * 86_400;
  const posts = await allPages<{ id: string }>(
    api,
    `/${userId}/threads`,
    { fields: 'id,timestamp', since: postsSince, limit: 50 },
    "listing the account's posts for the inbox",
  );
  const items: InboxItemInput[] = [];
  for (const post of posts) {
    const replies = await allPages<ThreadsReply>(
      api,
      `/${post.id}/conversation`,
      {
        fields: 'id,text,username,timestamp,permalink,replied_to,is_reply_owned_by_me',
        reverse: 'false',
        limit: 50,
      },
      'reading the replies under a post',
    );
    for (const reply of replies) {
      const receivedAt = new Date(reply.timestamp ?? '');
      if (!reply.id || Number.isNaN(receivedAt.getTime()) || (since && receivedAt <= since)) {
        continue;
      }
      const inReplyTo = reply.replied_to?.id;
      items.push({
        remoteId: reply.id,
        kind: inReplyTo && inReplyTo !== post.id ? 'reply' : 'comment',
        author: reply.username ?? 'unknown',
        text: reply.text ?? '',
        ...(reply.permalink ? { url: reply.permalink } : {}),
        receivedAt,
        ...(inReplyTo ? { inReplyToRemoteId: inReplyTo } : {}),
        ...(reply.is_reply_owned_by_me ? { byOwner: true } : {}),
      });
    }
  }
  return items;
}

import type { InboxItemInput, PluginStateStore } from '../../src/plugin-sdk';
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

/**
 * Threads' timestamps are whole seconds, so an item can share the second of `since`: the ids already returned at
 * the newest second are kept, and an item of that second is new only when its id is not among them.
 */
interface InboxCursor {
  at: string;
  ids: string[];
}
const CURSOR_KEY = 'inbox-cursor';

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
  state: PluginStateStore,
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
  const cursor = await state.get<InboxCursor>(CURSOR_KEY);
  const seenAtSince = new Set(
    since && cursor && new Date(cursor.at).getTime() === since.getTime() ? cursor.ids : [],
  );
  const isNew = (id: string, at: Date) =>
    !since || at > since || (at.getTime() === since.getTime() && !seenAtSince.has(id));
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
      if (!reply.id || Number.isNaN(receivedAt.getTime()) || !isNew(reply.id, receivedAt)) {
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
  await rememberNewest(state, items, cursor);
  return items;
}

async function rememberNewest(
  state: PluginStateStore,
  items: InboxItemInput[],
  cursor: InboxCursor | undefined,
) {
  const newest = Math.max(...items.map((item) => item.receivedAt.getTime()));
  if (items.length === 0 || (cursor && new Date(cursor.at).getTime() > newest)) {
    return;
  }
  const ids = items.filter((item) => item.receivedAt.getTime() === newest).map((item) => item.remoteId);
  const sameSecond = cursor && new Date(cursor.at).getTime() === newest ? cursor.ids : [];
  await state.set(CURSOR_KEY, {
    at: new Date(newest).toISOString(),
    ids: [...new Set([...sameSecond, ...ids])],
  });
}

import type { InboxItemInput, PluginStateStore } from '../../src/plugin-sdk';
import type { GraphApi } from './facebook-api';
import { parseGraphTime, unixSeconds } from './facebook-time';

/** Recent posts whose comments are read, at most (25 per page of `/posts`). */
const MAX_POSTS = 50;
/** Pages of comments read per post and poll, at most (100 each, newest first). */
const MAX_COMMENT_PAGES = 5;

interface GraphComment {
  id?: unknown;
  message?: unknown;
  created_time?: unknown;
  from?: { id?: unknown; name?: unknown };
  parent?: { id?: unknown };
  permalink_url?: unknown;
}

interface GraphList<T> {
  data?: T[];
  paging?: { cursors?: { after?: string }; next?: string };
}

/** The comments returned at the newest second of the last poll (Graph's times are whole seconds). */
interface InboxEdge {
  at: string;
  ids: string[];
}

const EDGE_KEY = 'inbox-edge';

/**
 * Comments on the Page's recent posts, newest first (https://developers.facebook.com/docs/graph-api/reference/object/comments/:
 * `filter=stream` includes replies to comments, `order=reverse_chronological`, cursor paging), read until one is
 * older than `since`. Graph writes times in whole seconds, so comments in the same second as `since` are returned
 * unless the previous poll already returned them (kept in the `inbox-edge` state).
 */
export async function fetchPageComments(
  api: GraphApi,
  state: PluginStateStore,
  pageId: string,
  since: Date | undefined,
  lookbackFrom: Date,
): Promise<InboxItemInput[]> {
  // Comments arrive on older posts too: the posts are those of the lookback, whatever `since` is.
  const posts = await recentPostIds(api, pageId, lookbackFrom);
  const edge = await state.get<InboxEdge>(EDGE_KEY);
  const edgeIds = new Set(
    edge && since && new Date(edge.at).getTime() === Math.floor(since.getTime() / 1000) * 1000
      ? edge.ids
      : [],
  );
  const items: InboxItemInput[] = [];
  for (const postId of posts) {
    items.push(...(await commentsSince(api, pageId, postId, since, edgeIds)));
  }
  const newest = items.reduce((at, item) => Math.max(at, item.receivedAt.getTime()), 0);
  if (newest > 0) {
    const ids = items.filter((item) => item.receivedAt.getTime() === newest).map((item) => item.remoteId);
    await state.set(EDGE_KEY, { at: new Date(newest).toISOString(), ids });
  }
  return items;
}

/**
 * The Page's posts that can hold new comments: those published since the lookback (a comment arrives on a post
 * after the post; an old post's comments are out of the inbox's reach, said in the README).
 */
async function recentPostIds(api: GraphApi, pageId: string, from: Date): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  while (ids.length < MAX_POSTS) {
    const answer = await api.call<GraphList<{ id?: unknown }>>({
      path: `${pageId}/posts`,
      params: { fields: 'id', since: unixSeconds(from), limit: 25, after },
      what: `listing Page ${pageId}'s recent posts for comments`,
    });
    ids.push(
      ...(answer.body.data ?? []).map((post) => post.id).filter((id): id is string => typeof id === 'string'),
    );
    after = answer.body.paging?.cursors?.after;
    if (!answer.body.paging?.next || !after) {
      break;
    }
  }
  return ids.slice(0, MAX_POSTS);
}

async function commentsSince(
  api: GraphApi,
  pageId: string,
  postId: string,
  since: Date | undefined,
  edgeIds: Set<string>,
): Promise<InboxItemInput[]> {
  const items: InboxItemInput[] = [];
  let after: string | undefined;
  for (let round = 0; round < MAX_COMMENT_PAGES; round++) {
    const answer = await api.call<GraphList<GraphComment>>({
      path: `${postId}/comments`,
      params: {
        fields: 'id,message,created_time,from,parent{id},permalink_url',
        filter: 'stream',
        order: 'reverse_chronological',
        limit: 100,
        after,
      },
      what: `reading the comments of post ${postId}`,
    });
    let older = false;
    for (const comment of answer.body.data ?? []) {
      const item = toInboxItem(comment, pageId, postId);
      if (!item) {
        continue;
      }
      if (since && item.receivedAt.getTime() < Math.floor(since.getTime() / 1000) * 1000) {
        older = true;
        continue;
      }
      if (since && item.receivedAt.getTime() <= since.getTime() && edgeIds.has(item.remoteId)) {
        continue;
      }
      items.push(item);
    }
    after = answer.body.paging?.cursors?.after;
    if (older || !answer.body.paging?.next || !after) {
      break;
    }
  }
  return items;
}

/** One Graph comment as an inbox item; undefined when it lacks an id or a readable time. */
export function toInboxItem(
  comment: GraphComment,
  pageId: string,
  postId: string,
): InboxItemInput | undefined {
  const receivedAt = parseGraphTime(comment.created_time);
  if (typeof comment.id !== 'string' || comment.id === '' || !receivedAt) {
    return undefined;
  }
  const fromId = typeof comment.from?.id === 'string' ? comment.from.id : undefined;
  // Graph leaves `from` out for people whose data the app may not read (no pages_read_user_content, or privacy).
  const author =
    typeof comment.from?.name === 'string' && comment.from.name !== ''
      ? comment.from.name
      : (fromId ?? 'a Facebook user');
  const parent = typeof comment.parent?.id === 'string' ? comment.parent.id : postId;
  return {
    remoteId: comment.id,
    kind: parent === postId ? 'comment' : 'reply',
    author,
    text: typeof comment.message === 'string' ? comment.message : '',
    ...(typeof comment.permalink_url === 'string' ? { url: comment.permalink_url } : {}),
    receivedAt,
    inReplyToRemoteId: parent,
    byOwner: fromId === pageId,
  };
}

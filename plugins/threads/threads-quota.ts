import { rateLimited } from '../../src/plugin-sdk';
import type { ThreadsApi } from './threads-api';
import { notBefore } from './threads-errors';

/** GET /{user}/threads_publishing_limit (https://developers.facebook.com/docs/threads/overview#rate-limiting). */
interface PublishingLimit {
  quota_usage?: number;
  config?: { quota_total?: number; quota_duration?: number };
  reply_quota_usage?: number;
  reply_config?: { quota_total?: number; quota_duration?: number };
}

/** Threads' documented quotas, used when the answer leaves them out. */
const DOCUMENTED = { post: { total: 250 }, reply: { total: 1_000 }, durationSeconds: 86_400 };

/**
 * Checks the 24-hour moving quota (250 posts, 1,000 replies) before anything is created, so a post over it waits
 * instead of leaving containers behind. The window moves: it frees up 24 h after the oldest post in it, which is
 * found by listing the account's posts (or replies) of the last 24 h.
 */
export async function checkQuota(
  api: ThreadsApi,
  userId: string,
  kind: 'post' | 'reply',
  now: Date,
): Promise<void> {
  const answer = await api.call<{ data?: PublishingLimit[] }>({
    path: `/${userId}/threads_publishing_limit`,
    params: { fields: 'quota_usage,config,reply_quota_usage,reply_config' },
    what: 'reading the publishing quota',
  });
  const limit = answer.data?.[0] ?? {};
  const used = (kind === 'post' ? limit.quota_usage : limit.reply_quota_usage) ?? 0;
  const config = kind === 'post' ? limit.config : limit.reply_config;
  const total = config?.quota_total ?? DOCUMENTED[kind].total;
  const durationSeconds = config?.quota_duration ?? DOCUMENTED.durationSeconds;
  if (used < total) {
    return;
  }
  const oldest = await oldestInWindow(api, userId, kind, now, durationSeconds);
  const resetAt = notBefore(
    oldest ? new Date(oldest.getTime() + durationSeconds * 1000) : undefined,
    now,
    3_600_000,
  );
  throw rateLimited(
    `Threads' ${kind === 'post' ? 'publishing' : 'reply'} quota is used up (${used} of ${total} in ${durationSeconds / 3600} h); it frees up at ${resetAt.toISOString()}`,
    resetAt,
  );
}

/** The oldest post (or reply) of the account inside the quota's window, walking the edge back page by page. */
async function oldestInWindow(
  api: ThreadsApi,
  userId: string,
  kind: 'post' | 'reply',
  now: Date,
  durationSeconds: number,
): Promise<Date | undefined> {
  const since = Math.floor(now.getTime() / 1000) - durationSeconds;
  let after: string | undefined;
  let oldest: Date | undefined;
  for (let page = 0; page < 20; page++) {
    const answer = await api.call<{
      data?: Array<{ timestamp?: string }>;
      paging?: { cursors?: { after?: string }; next?: string };
    }>({
      path: `/${userId}/${kind === 'post' ? 'threads' : 'replies'}`,
      params: { fields: 'id,timestamp', since, limit: 100, after },
      what: 'finding when the quota frees up',
    });
    for (const item of answer.data ?? []) {
      const at = item.timestamp ? new Date(item.timestamp) : undefined;
      if (at && !Number.isNaN(at.getTime()) && (!oldest || at < oldest)) {
        oldest = at;
      }
    }
    after = answer.paging?.next ? answer.paging.cursors?.after : undefined;
    if (!after) {
      break;
    }
  }
  return oldest;
}

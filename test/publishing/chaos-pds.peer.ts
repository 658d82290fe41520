import type { PeerView } from './chaos-findings';

interface PostRecord {
  uri: string;
  value: { text: string };
}

/** Every `app.bsky.feed.post` record in a repository on the PDS (com.atproto.repo.listRecords, paged). */
export async function listPosts(
  pdsUrl: string,
  did: string,
  headers: Record<string, string>,
): Promise<PostRecord[]> {
  const records: PostRecord[] = [];
  let cursor: string | undefined;
  do {
    const query = new URLSearchParams({ repo: did, collection: 'app.bsky.feed.post', limit: '100' });
    if (cursor) {
      query.set('cursor', cursor);
    }
    const response = await fetch(`${pdsUrl}/xrpc/com.atproto.repo.listRecords?${query.toString()}`, {
      headers,
    });
    if (!response.ok) {
      throw new Error(`listRecords on ${pdsUrl} answered ${response.status}: ${await response.text()}`);
    }
    const page = (await response.json()) as { records: PostRecord[]; cursor?: string };
    records.push(...page.records);
    cursor = page.records.length > 0 ? page.cursor : undefined;
  } while (cursor);
  return records;
}

/**
 * The posts in one account's repository on a real PDS. Each burst post has a text of its own, so the count per
 * text is the count per post whatever record key a send used: a second record of the same post shows, even
 * under another key. `headers` go with every read (e.g. a rate-limit bypass, so counting spends no budget).
 */
export async function pdsPeer(
  pdsUrl: string,
  did: string,
  headers: Record<string, string> = {},
): Promise<PeerView> {
  const records = await listPosts(pdsUrl, did, headers);
  const byText = (text: string) => records.filter((record) => record.value.text === text.trim());
  return {
    postsFor: async (variant) => byText(variant.text).length,
    remoteIdFor: async (variant) => byText(variant.text)[0]?.uri,
    strays: async (variants) => {
      const texts = new Set(variants.map((variant) => variant.text.trim()));
      return records
        .filter((record) => !texts.has(record.value.text))
        .map((record) => `${record.uri} ("${record.value.text}") on the PDS belongs to no variant`);
    },
  };
}

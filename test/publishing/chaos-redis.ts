import Bull from 'bull';

/** Removes every key a Bull run of the crash test left under its prefix (its own deployment on the shared Redis). */
export async function dropRedisKeys(url: string, prefix: string): Promise<void> {
  const queue = new Bull('publish', url, { prefix });
  try {
    const client = queue.client;
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) {
        await client.del(...keys);
      }
    } while (cursor !== '0');
  } finally {
    await queue.close();
  }
}

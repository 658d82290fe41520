import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { createTestDatabase, type TestDatabase } from './test-database';

describe('PluginStateRepository', () => {
  let db: TestDatabase;
  let state: PluginStateRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    state = new PluginStateRepository(await db.openMigrated());
  });

  afterAll(async () => {
    await db.dispose();
  });

  it('upserts JSON values per plugin, scope and key', async () => {
    await state.set('bluesky', 'channel-1', 'session', { did: 'did:plc:abc', refreshJwt: 'r1' });
    await state.set('bluesky', 'channel-1', 'session', { did: 'did:plc:abc', refreshJwt: 'r2' });
    await state.set('bluesky', 'channel-2', 'session', 'other scope');
    await state.set('mastodon', 'channel-1', 'session', 42);

    expect(await state.get('bluesky', 'channel-1', 'session')).toEqual({
      did: 'did:plc:abc',
      refreshJwt: 'r2',
    });
    expect(await state.get('bluesky', 'channel-2', 'session')).toBe('other scope');
    expect(await state.get('mastodon', 'channel-1', 'session')).toBe(42);
  });

  it('sets a value only when the key has none, and hands back the one already there', async () => {
    expect(await state.setIfAbsent('sandbox', 'ch', 'post:k1', { remoteId: 'a' })).toBeUndefined();
    expect(await state.setIfAbsent('sandbox', 'ch', 'post:k1', { remoteId: 'b' })).toEqual({ remoteId: 'a' });
    expect(await state.get('sandbox', 'ch', 'post:k1')).toEqual({ remoteId: 'a' });
    const racing = await Promise.all(
      ['x', 'y', 'z'].map((remoteId) => state.setIfAbsent('sandbox', 'ch', 'post:k2', { remoteId })),
    );
    expect(racing.filter((existing) => existing === undefined)).toHaveLength(1);
  });

  it('tells a stored null from a missing key and deletes', async () => {
    await state.set('bluesky', 'channel-1', 'cursor', null);

    expect(await state.get('bluesky', 'channel-1', 'cursor')).toBeNull();
    expect(await state.get('bluesky', 'channel-1', 'missing')).toBeUndefined();
    expect(await state.delete('bluesky', 'channel-1', 'cursor')).toBe(true);
    expect(await state.delete('bluesky', 'channel-1', 'cursor')).toBe(false);
    expect(await state.get('bluesky', 'channel-1', 'cursor')).toBeUndefined();
  });

  it('lists by literal, case-sensitive prefix', async () => {
    for (const key of ['seen:1', 'seen:2', 'Seen:3', 'seen_x', 'seenXy', 'other']) {
      await state.set('inbox', 'channel-9', key, key.length);
    }

    expect(await state.list('inbox', 'channel-9', 'seen:')).toEqual([
      { key: 'seen:1', value: 6 },
      { key: 'seen:2', value: 6 },
    ]);
    expect((await state.list('inbox', 'channel-9', 'seen_')).map((item) => item.key)).toEqual(['seen_x']);
    expect(await state.list('inbox', 'channel-9')).toHaveLength(6);
    expect(await state.list('inbox', 'channel-0')).toEqual([]);
  });
});

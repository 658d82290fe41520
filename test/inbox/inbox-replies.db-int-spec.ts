import type { DataSource } from 'typeorm';
import { ChannelCredentials } from '../../src/channels/channel-credentials';
import { ChannelEntity } from '../../src/channels/channel.entity';
import { ChannelRepository } from '../../src/channels/channel.repository';
import { FakeClock } from '../../src/clock/fake.clock';
import { InvalidError } from '../../src/errors/domain.error';
import { IncidentEntity } from '../../src/escalations/incident.entity';
import { InboxItemEntity } from '../../src/inbox/inbox-item.entity';
import { InboxItemRepository } from '../../src/inbox/inbox-item.repository';
import { InboxReplies } from '../../src/inbox/inbox-replies.service';
import { InboxReplyEntity } from '../../src/inbox/inbox-reply.entity';
import { InboxReplyRepository } from '../../src/inbox/inbox-reply.repository';
import { InboxReplySender, REPLY_SENDING_STALE_MS } from '../../src/inbox/inbox-reply.sender';
import { AuditRepository } from '../../src/persistence/audit.repository';
import { AuditEventEntity } from '../../src/persistence/entities/audit-event.entity';
import { PluginStateRepository } from '../../src/persistence/plugin-state.repository';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { SandboxNetwork } from '../../plugins/sandbox/sandbox-network';
import type { PluginContext } from '../../src/plugin-sdk';
import { createContentWorkspace, type ContentWorkspace } from '../content/content-workspace';
import { incidentService } from '../escalations/incident-service.fixture';
import { channelServices, writeDownConnectorPlugin, type ChannelServices } from '../metrics/metrics-test-kit';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';

const CONFIG = `
organisation: { name: Test }
people: { maya: { name: Maya } }
plugins: [{ path: down }]
brands:
  acme:
    name: Acme
    timezone: Europe/London
    owner: maya
    channels:
      social: { connector: sandbox, options: { handle: social } }
      crashy: { connector: sandbox, options: { handle: crashy, idempotency: ignore } }
      flaky:
        connector: sandbox
        options: { handle: flaky, idempotency: ignore, faults: { mode: timeout-after-send, times: 1 } }
      busy:
        connector: sandbox
        options: { handle: busy, faults: { mode: rate-limit, times: 1, retryAfterSeconds: 120 } }
      locked:
        connector: sandbox
        options: { handle: locked, faults: { mode: auth, times: 0, refresh: renews } }
      renewing:
        connector: sandbox
        options: { handle: renewing, faults: { mode: auth, times: 1, refresh: renews } }
      harsh:
        connector: sandbox
        options: { handle: harsh, faults: { mode: permanent, times: 0 } }
      outage: { connector: down }
`;

describe('inbox replies: exactly once through the sandbox connector (real database)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let ws: ContentWorkspace;
  let services: ChannelServices;
  let replies: InboxReplies;
  let sender: InboxReplySender;
  let replyRows: InboxReplyRepository;
  const clock = new FakeClock('2026-12-01T09:00:00Z');
  const t0 = clock.now();
  const later = (ms: number) => new Date(t0.getTime() + ms);

  const channel = (key: string) =>
    dataSource.getRepository(ChannelEntity).findOneByOrFail({ brandId: 'acme', key });
  /** An inbox item on the channel, as a poll would have stored it. */
  const itemOn = async (key: string, remoteId = `${key}-c1`): Promise<string> => {
    const id = `item-${key}-${remoteId}`;
    await new InboxItemRepository(new TransactionContext(dataSource)).insertNew(
      (await channel(key)).id,
      [
        {
          id,
          item: { remoteId, kind: 'comment', author: 'sam', text: 'Refund?', receivedAt: later(-3_600_000) },
        },
      ],
      () => false,
    );
    return id;
  };
  const item = (id: string) => dataSource.getRepository(InboxItemEntity).findOneByOrFail({ id });
  const row = (id: string) => dataSource.getRepository(InboxReplyEntity).findOneByOrFail({ id });
  /** The sandbox network of a channel, as the connector sees it (its durable state). */
  const network = (key: string) => {
    const state = new PluginStateRepository(dataSource);
    const scope = `acme/${key}`;
    const context = {
      plugin: 'sandbox',
      scope,
      state: {
        get: (k: string) => state.get('sandbox', scope, k),
        set: (k: string, v: never) => state.set('sandbox', scope, k, v),
        setIfAbsent: (k: string, v: never) => state.setIfAbsent('sandbox', scope, k, v),
        delete: (k: string) => state.delete('sandbox', scope, k),
        list: (prefix: string) => state.list('sandbox', scope, prefix),
      },
      clock,
    } as unknown as PluginContext;
    return { net: new SandboxNetwork(context, key), state: context.state };
  };
  const audits = (action: string) => dataSource.getRepository(AuditEventEntity).findBy({ action });

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    ws = await createContentWorkspace(dataSource, CONFIG, writeDownConnectorPlugin);
    services = channelServices(dataSource, ws, clock);
    const tx = new TransactionContext(dataSource);
    const items = new InboxItemRepository(tx);
    const channels = new ChannelRepository(tx);
    replyRows = new InboxReplyRepository(tx);
    const audit = new AuditRepository(dataSource);
    const credentials = new ChannelCredentials(channels, audit, services.config, incidentService(dataSource));
    sender = new InboxReplySender(replyRows, items, channels, services.connectors, credentials, audit, tx);
    replies = new InboxReplies(items, replyRows, channels, sender, services.config, audit, tx, clock);
  });

  afterAll(async () => {
    await services.connectors.reset();
    await database.dispose();
  });

  it('sends a reply inline: sent with the remote id, the item answered at that time, audited', async () => {
    const itemId = await itemOn('social');
    const reply = await replies.reply(itemId, '  Yes, DM us your order number.  ', 'maya');

    const [onNetwork] = await network('social').net.repliesTo('social-c1');
    expect(reply).toMatchObject({
      state: 'sent',
      channel: 'acme/social',
      text: 'Yes, DM us your order number.',
      remoteId: onNetwork.remoteId,
      url: `https://sandbox.invalid/social/${onNetwork.remoteId}`,
      attempts: 1,
      requestedBy: 'maya',
    });
    expect(await item(itemId)).toMatchObject({ state: 'answered', answeredAt: t0 });
    expect(await audits('inbox.replied')).toEqual([
      expect.objectContaining({
        actor: 'maya',
        subjectId: itemId,
        data: expect.objectContaining({ reply: reply.id }),
      }),
    ]);
    expect((await replies.ofItem(itemId)).map((r) => r.state)).toEqual(['sent']);
  });

  it('a crash after the send and before the record: the tick looks the key up and records it, one reply on the network', async () => {
    const itemId = await itemOn('crashy');
    const pending = await replies.reply(itemId, 'On its way', 'maya', { sendNow: false });
    // The process that claimed it reached the platform, then stopped before recording anything.
    const claimed = await row(pending.id);
    expect(await replyRows.move(claimed, 'sending', { attempts: 1 }, t0)).toBe(true);
    const { connector } = await services.connectors.get('acme', 'crashy');
    await connector.reply!(
      { remoteId: 'crashy-c1', kind: 'comment', author: 'sam' },
      {
        idempotencyKey: claimed.idempotencyKey,
        text: claimed.text,
      },
    );

    // A live sender's claim is left alone; one untouched for longer than a send can take is reconciled.
    expect(await sender.resume(later(60_000))).toEqual([]);
    const [settled] = await sender.resume(later(REPLY_SENDING_STALE_MS));

    const onNetwork = await network('crashy').net.repliesTo('crashy-c1');
    expect(onNetwork).toHaveLength(1); // this sandbox ignores keys: a resend would have made a second
    expect(settled).toMatchObject({ id: pending.id, state: 'sent', remoteId: onNetwork[0].remoteId });
    expect(await item(itemId)).toMatchObject({ state: 'answered' });
  });

  it('a lost answer (timeout after sending) is looked up, not resent: one reply, sent', async () => {
    const itemId = await itemOn('flaky');
    const reply = await replies.reply(itemId, 'Thanks for waiting', 'maya');

    const onNetwork = await network('flaky').net.repliesTo('flaky-c1');
    expect(onNetwork).toHaveLength(1);
    expect(reply).toMatchObject({ state: 'sent', remoteId: onNetwork[0].remoteId, attempts: 1 });
  });

  it('a rate limit waits until the platform’s reset, not counted as an attempt, then the tick sends it', async () => {
    const itemId = await itemOn('busy');
    const reply = await replies.reply(itemId, 'Looking into it', 'maya');
    expect(reply).toMatchObject({
      state: 'pending',
      attempts: 0,
      lastError: 'sandbox: 429 Too Many Requests',
    });
    expect((await row(reply.id)).nextAttemptAt).toEqual(later(120_000));

    expect(await sender.resume(later(119_000))).toEqual([]);
    const [sent] = await sender.resume(later(120_000));
    expect(sent).toMatchObject({ id: reply.id, state: 'sent', attempts: 1 });
    expect(await network('busy').net.repliesTo('busy-c1')).toHaveLength(1);
  });

  it('refused credentials: the connector renews them once and the reply goes through', async () => {
    const itemId = await itemOn('renewing');
    const reply = await replies.reply(itemId, 'Sorted', 'maya');
    expect(reply).toMatchObject({ state: 'sent' });
    expect(await network('renewing').state.get('credentials:refreshes')).toBe(1);
    expect(await audits('channel.credentials_renewed')).toHaveLength(1);
  });

  it('refused again after the renewal: the channel needs a reconnect and the reply waits, pending', async () => {
    const itemId = await itemOn('locked');
    const reply = await replies.reply(itemId, 'Hello', 'maya');
    expect(reply).toMatchObject({
      state: 'pending',
      attempts: 0,
      lastError: 'sandbox: 401 invalid token (refused again after the connector renewed them)',
    });
    expect(await network('locked').state.get('credentials:refreshes')).toBe(1);
    expect(await channel('locked')).toMatchObject({ status: 'needs_reconnect' });
    expect(
      await dataSource.getRepository(IncidentEntity).findBy({ rule: 'channel-credentials' }),
    ).toHaveLength(1);
    // The tick leaves it, saying why, until someone reconnects the channel; a new reply waits the same way.
    expect((await sender.resume(later(3_600_000))).filter((r) => r.id === reply.id)).toEqual([
      expect.objectContaining({
        state: 'pending',
        lastError: expect.stringContaining('waits for acme/locked to be reconnected'),
      }),
    ]);
    const another = await replies.reply(await itemOn('locked', 'locked-c2'), 'Hello again', 'maya');
    expect(another).toMatchObject({
      state: 'pending',
      attempts: 0,
      lastError: expect.stringContaining('metronome channels reconnect acme/locked'),
    });
    expect(await network('locked').state.get('credentials:refreshes')).toBe(1);
  });

  it('a platform refusal fails the reply with the platform’s reason, audited', async () => {
    const itemId = await itemOn('harsh');
    const reply = await replies.reply(itemId, 'Hm', 'maya');
    expect(reply).toMatchObject({ state: 'failed', lastError: 'sandbox: 422 text rejected' });
    expect(await item(itemId)).toMatchObject({ state: 'new', answeredAt: null });
    expect(await audits('inbox.reply_failed')).toEqual([
      expect.objectContaining({
        subjectId: itemId,
        data: expect.objectContaining({ reason: 'sandbox: 422 text rejected' }),
      }),
    ]);
  });

  it('refuses, before storing anything, a connector without reply and a text over its limits', async () => {
    const down = await itemOn('outage');
    await expect(replies.reply(down, 'Hi', 'maya')).rejects.toThrow(
      new InvalidError(
        'connector "down" of acme/outage cannot reply to inbox items (no `reply` capability): answer on the platform, then `metronome inbox answer ' +
          down +
          '`',
      ),
    );
    const social = await itemOn('social', 'social-c2');
    await expect(replies.reply(social, 'é'.repeat(501), 'maya')).rejects.toThrow(
      'the reply is too long for sandbox (acme/social): 501 characters, over the limit of 500 characters by 1; shorten it',
    );
    await expect(replies.reply(social, '   ', 'maya')).rejects.toThrow('the reply is empty');
    expect(await replyRows.ofItem(social)).toEqual([]);
    expect(await replyRows.ofItem(down)).toEqual([]);
  });
});

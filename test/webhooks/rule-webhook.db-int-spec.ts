import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { Webhook } from 'standardwebhooks';
import type { DataSource } from 'typeorm';
import { ConfigService } from '../../src/config/config.service';
import { createContentServices } from '../content/content-services.fixture';
import { incidentService } from '../escalations/incident-service.fixture';
import { BRAND_YAML, createContentWorkspace } from '../content/content-workspace';
import { collectingLogger } from '../notifications/notification-test.harness';
import { createTestDatabase, type TestDatabase } from '../persistence/test-database';
import { RecordingSender } from '../rules/rule-test-kit';
import { LocalReceiver } from './local-receiver';
import { ruleActionExecutor } from '../rules/rule-services.fixture';

const SECRET = `whsec_${Buffer.from('rule-webhook-test-secret-32-byte').toString('base64')}`;

/** The rule action `webhook`, carried out by the real executor against a receiver on this machine. */
describe('rule webhook action', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let receiver: LocalReceiver;
  const logs: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = await database.openMigrated();
    receiver = await new LocalReceiver().start();
    Logger.overrideLogger(collectingLogger(logs));
  });

  afterAll(async () => {
    Logger.overrideLogger(['error', 'warn']);
    await receiver.stop();
    await database.dispose();
  });

  async function executorFor(network: string) {
    const yaml = `${BRAND_YAML}${network}
rules:
  - name: tell-ops
    on: post.submitted
    then: [{ webhook: { url: "${receiver.url()}", secret: "${SECRET}" } }]
`;
    const ws = await createContentWorkspace(dataSource, yaml);
    const config = new ConfigService(ws.loaded, join(ws.dir, 'metronome.yaml'));
    const services = await createContentServices(dataSource);
    const executor = ruleActionExecutor(
      dataSource,
      config,
      incidentService(dataSource),
      services.states,
      services.events,
      new RecordingSender(),
    );
    const match = {
      rule: ws.loaded.config.rules[0],
      brandId: 'acme',
      subjectKey: 'post:42',
      title: 'Winter launch was submitted',
      at: new Date('2026-11-30T08:00:00Z'),
    };
    return { executor, match };
  }

  it('does not call a receiver on this machine unless the config allows it, and says why', async () => {
    const { executor, match } = await executorFor('');

    await executor.execute(match);

    expect(receiver.received).toEqual([]);
    expect(logs.join('\n')).toContain('rule tell-ops: action webhook failed: webhook target 127.0.0.1:');
    expect(logs.join('\n')).toContain('list it under network.allowInternalTargets');
  });

  it('delivers to an allowed receiver, signed per Standard Webhooks, with the same id on a repeat', async () => {
    const { executor, match } = await executorFor('network: { allowInternalTargets: ["127.0.0.1"] }\n');

    await executor.execute(match);
    await executor.execute(match);

    expect(receiver.received).toHaveLength(2);
    const [first, second] = receiver.received;
    const headers = (request: typeof first) =>
      Object.fromEntries(
        ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => [
          name,
          String(request.headers[name]),
        ]),
      );
    expect(new Webhook(SECRET).verify(first.body, headers(first))).toEqual({
      id: first.headers['webhook-id'],
      type: 'rule.matched',
      rule: 'tell-ops',
      brand: 'acme',
      subject: 'post:42',
      title: 'Winter launch was submitted',
      at: '2026-11-30T08:00:00.000Z',
    });
    expect(second.headers['webhook-id']).toBe(first.headers['webhook-id']);
  });
});

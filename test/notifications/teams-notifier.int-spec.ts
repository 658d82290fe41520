import { TeamsWorkflowFake } from '../fakes/teams-workflow.fake';
import {
  configWithNotifiers,
  createNotificationHarness,
  type NotificationHarness,
} from './notification-test.harness';

/** The teams plugin through the dispatcher, against a Workflows trigger that answers as documented. */
describe('teams notifier', () => {
  let teams: TeamsWorkflowFake;
  let harness: NotificationHarness;

  beforeEach(async () => {
    teams = await new TeamsWorkflowFake().start();
    harness = await createNotificationHarness(
      configWithNotifiers(
        `  teams: { plugin: teams, options: { webhookUrl: "${teams.webhookUrl}" } }`,
        '{ teams: maya@studio.example }',
      ),
    );
  });

  afterEach(async () => {
    await teams.stop();
    await harness?.dispose();
  });

  const notification = {
    to: ['maya'],
    subject: 'Plan for December is not ready',
    text: 'The plan was due yesterday.',
    severity: 'warning' as const,
    links: [{ label: 'Open the plan', url: 'https://metronome.example/cycles/12' }],
  };

  it('posts a message with an Adaptive Card 1.4: title, text, mention and OpenUrl actions (202 = sent)', async () => {
    const result = await harness.dispatcher.send('teams', notification);

    expect(result).toMatchObject({ status: 'sent', attempts: 1 });
    const [body] = teams.bodies();
    expect(body).toMatchObject({
      type: 'message',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: {
            $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
            type: 'AdaptiveCard',
            version: '1.4',
            body: [
              {
                type: 'TextBlock',
                text: 'Plan for December is not ready',
                weight: 'Bolder',
                color: 'Warning',
              },
              { type: 'TextBlock', text: 'The plan was due yesterday.', wrap: true },
              { type: 'TextBlock', text: 'For <at>Maya Owens</at>' },
            ],
            actions: [
              { type: 'Action.OpenUrl', title: 'Open the plan', url: 'https://metronome.example/cycles/12' },
            ],
            msteams: {
              entities: [
                {
                  type: 'mention',
                  text: '<at>Maya Owens</at>',
                  mentioned: { id: 'maya@studio.example', name: 'Maya Owens' },
                },
              ],
            },
          },
        },
      ],
    });
  });

  it('on 429 waits what Retry-After says, then delivers', async () => {
    teams.willAnswer({ throttled: { retryAfterSeconds: 12 } });

    const result = await harness.dispatcher.send('teams', notification);

    expect(result).toMatchObject({ status: 'sent', attempts: 2 });
    expect(harness.sleeps).toEqual([12_000]);
  });

  it('a deleted workflow (404) fails at once', async () => {
    teams.willAnswer({ workflowNotFound: true });

    const result = await harness.dispatcher.send('teams', notification);

    expect(result).toMatchObject({ status: 'failed', attempts: 1, errorKind: 'permanent' });
    if (result.status === 'failed') {
      expect(result.error).toContain('answered 404 WorkflowNotFound');
      expect(result.error).not.toContain(teams.signature);
    }
  });

  it('a refused URL signature (401) is an authentication failure', async () => {
    teams.willAnswer({ unauthorized: true });

    const result = await harness.dispatcher.send('teams', notification);

    expect(result).toMatchObject({ status: 'failed', attempts: 1, errorKind: 'authentication' });
  });

  it('retries 5xx and gives up after 5 attempts', async () => {
    teams.willAnswer(...Array.from({ length: 5 }, () => ({ serverError: 502 as const })));

    const result = await harness.dispatcher.send('teams', notification);

    expect(result).toMatchObject({ status: 'failed', attempts: 5, errorKind: 'transient' });
    expect(teams.requests).toHaveLength(5);
    expect(harness.logs.join('\n')).not.toContain(teams.signature);
  });
});

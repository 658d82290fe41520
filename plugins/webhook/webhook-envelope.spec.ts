import { buildWebhookEnvelope } from './webhook-envelope';
import { webhookOptionsSchema } from './webhook-options.schema';

describe('webhook envelope and options', () => {
  const now = new Date('2026-11-02T09:00:00.750Z');

  it('is the JSON the README documents', () => {
    const body = JSON.stringify(buildWebhookEnvelope({ to: [], subject: 's', text: 't' }, 'msg_1', now));
    expect(JSON.parse(body)).toEqual({
      id: 'msg_1',
      type: 'notification',
      subject: 's',
      text: 't',
      severity: 'info',
      links: [],
      to: [],
      sent_at: '2026-11-02T09:00:00.750Z',
    });
  });

  it('options: a secret that is not a Standard Webhooks secret and headers Metronome sets itself are refused', () => {
    for (const secret of [
      'short',
      'a-secret-of-16-chars-or-more',
      `whsec_${Buffer.alloc(16).toString('base64')}`,
    ]) {
      const issues = webhookOptionsSchema.safeParse({
        url: 'https://ops.example.com/hook',
        secret,
        headers: { 'Webhook-Signature': 'forged' },
      }).error?.issues;
      expect(issues?.map((i) => i.path.join('.'))).toEqual(['secret', 'headers']);
    }
    expect(
      webhookOptionsSchema.safeParse({
        url: 'https://ops.example.com/hook',
        secret: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
      }).success,
    ).toBe(true);
  });
});

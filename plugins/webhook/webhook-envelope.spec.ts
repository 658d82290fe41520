import { createHmac } from 'node:crypto';
import { buildWebhookEnvelope, signWebhookBody } from './webhook-envelope';
import { webhookOptionsSchema } from './webhook-options.schema';

describe('webhook envelope and signature', () => {
  const now = new Date('2026-11-02T09:00:00.750Z');

  it('signs "<unix seconds>.<body>" with HMAC-SHA256, as the README tells receivers', () => {
    const body = JSON.stringify(buildWebhookEnvelope({ to: [], subject: 's', text: 't' }, 'evt_1', now));
    const expected = createHmac('sha256', 'a-secret-of-16-chars').update(`1793610000.${body}`).digest('hex');

    expect(signWebhookBody(body, 'a-secret-of-16-chars', now)).toBe(`t=1793610000,v1=${expected}`);
    expect(JSON.parse(body)).toEqual({
      id: 'evt_1',
      type: 'notification',
      subject: 's',
      text: 't',
      severity: 'info',
      links: [],
      to: [],
      sent_at: '2026-11-02T09:00:00.750Z',
    });
  });

  it('options: a short secret and headers Metronome sets itself are refused', () => {
    const issues = webhookOptionsSchema.safeParse({
      url: 'https://ops.example.com/hook',
      secret: 'short',
      headers: { 'X-Metronome-Signature': 'forged' },
    }).error?.issues;

    expect(issues?.map((i) => i.path.join('.'))).toEqual(['secret', 'headers']);
  });
});

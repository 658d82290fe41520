import { Webhook } from 'standardwebhooks';
import { SYSTEM_CLOCK } from '../../src/clock/clock';
import { PermanentError } from '../../src/plugin-sdk';
import { OutboundWebhookClient } from '../../src/webhooks/outbound-webhook.client';
import { WebhookTargetPolicy } from '../../src/webhooks/webhook-target.policy';
import { LocalReceiver } from './local-receiver';

const SECRET = `whsec_${Buffer.from('outbound-webhook-test-secret-32b').toString('base64')}`;

/** Real HTTP to receivers on this machine's loopback addresses, which the default policy refuses. */
describe('webhooks go to public addresses only, unless the operator allowed the target', () => {
  let receiver: LocalReceiver;
  let other: LocalReceiver;
  const client = (allowed: string[] = []) =>
    new OutboundWebhookClient(() => new WebhookTargetPolicy(allowed), 'Metronome/test', SYSTEM_CLOCK);
  const post = (allowed: string[], url: string) =>
    client(allowed).post(url, { body: '{"hello":"world"}', headers: { 'content-type': 'application/json' } });

  beforeEach(async () => {
    receiver = await new LocalReceiver('127.0.0.1').start();
    other = await new LocalReceiver('127.0.0.2').start();
  });

  afterEach(async () => {
    await receiver.stop();
    await other.stop();
  });

  it('refuses a loopback address, named or resolved by DNS, before connecting', async () => {
    for (const url of [receiver.url(), receiver.url('localhost'), receiver.url('[::ffff:127.0.0.1]')]) {
      const refused = post([], url);
      await expect(refused).rejects.toBeInstanceOf(PermanentError);
      await expect(refused).rejects.toThrow('list it under network.allowInternalTargets');
    }
    await expect(post([], receiver.url('localhost'))).rejects.toThrow(/localhost resolves to .*loopback/);
    expect(receiver.received).toEqual([]);
  });

  it('delivers to a target on the allow-list: by address, range or host name', async () => {
    expect((await post(['127.0.0.1'], receiver.url())).status).toBe(200);
    expect((await post(['127.0.0.0/8', '::1'], receiver.url('localhost'))).status).toBe(200);
    expect((await post(['localhost'], receiver.url('localhost'))).status).toBe(200);
    expect(receiver.received.map((r) => r.body)).toEqual(Array(3).fill('{"hello":"world"}'));
  });

  it('checks every redirect: an allowed receiver cannot bounce the request inside', async () => {
    other.redirectTo = { status: 307, location: receiver.url() };

    await expect(post(['127.0.0.2'], other.url())).rejects.toThrow('127.0.0.1 is a loopback address');
    expect(other.received).toHaveLength(1);
    expect(receiver.received).toEqual([]);

    const followed = await post(['127.0.0.2', '127.0.0.1'], other.url());
    expect(followed.status).toBe(200);
    expect(receiver.received).toEqual([
      expect.objectContaining({ method: 'POST', body: '{"hello":"world"}' }),
    ]);
  });

  it('does not turn a POST into a GET on 301/302/303: the redirect is the answer', async () => {
    other.redirectTo = { status: 302, location: receiver.url() };
    const answer = await post(['127.0.0.2', '127.0.0.1'], other.url());
    expect(answer.status).toBe(302);
    expect(receiver.received).toEqual([]);
  });

  it('signs per Standard Webhooks so the reference library verifies it', async () => {
    await client(['127.0.0.1']).post(receiver.url(), {
      body: '{"id":"msg_1"}',
      headers: { 'content-type': 'application/json' },
      signing: { id: 'msg_1', secret: SECRET },
    });
    const [request] = receiver.received;
    const headers = Object.fromEntries(
      ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => [
        name,
        String(request.headers[name]),
      ]),
    );
    expect(headers['webhook-id']).toBe('msg_1');
    expect(new Webhook(SECRET).verify(request.body, headers)).toEqual({ id: 'msg_1' });
    expect(() => new Webhook(SECRET).verify('{"id":"msg_2"}', headers)).toThrow('No matching signature');
  });
});

import type { MetronomeConfig } from '../config/schema/metronome-config.schema';
import { resolveRecipients } from './notification-recipients.resolver';

describe('resolveRecipients', () => {
  const config = {
    people: {
      maya: {
        name: 'Maya Owens',
        email: 'maya@example.com',
        handles: { slack: 'U024BE7LH', work: 'maya@work.example' },
      },
      theo: { name: 'Theo Grant', handles: {} },
    },
  } as unknown as MetronomeConfig;

  it('reaches people as the plugin declares: by handle for the notifier id, or by e-mail', () => {
    expect(resolveRecipients(config, 'slack', 'handle', ['maya']).recipients).toEqual([
      { name: 'Maya Owens', address: 'U024BE7LH' },
    ]);
    expect(resolveRecipients(config, 'mail', 'email', ['maya']).recipients).toEqual([
      { name: 'Maya Owens', address: 'maya@example.com' },
    ]);
    // A handle for an e-mail notifier wins over the person's main address.
    expect(resolveRecipients(config, 'work', 'email', ['maya']).recipients).toEqual([
      { name: 'Maya Owens', address: 'maya@work.example' },
    ]);
  });

  it('passes raw addresses through, drops duplicates, and explains who cannot be reached', () => {
    const result = resolveRecipients(config, 'slack', 'handle', [
      'maya',
      'U024BE7LH',
      'theo',
      '#ops',
      'constructor',
    ]);

    expect(result.recipients).toEqual([
      { name: 'Maya Owens', address: 'U024BE7LH' },
      { address: '#ops' },
      { address: 'constructor' },
    ]);
    expect(result.unresolved).toEqual([
      {
        to: 'theo',
        reason: 'person "theo" has no address for notifier "slack": add people.theo.handles.slack',
      },
    ]);
    expect(resolveRecipients(config, 'mail', 'email', ['theo']).unresolved[0].reason).toContain(
      'add people.theo.email',
    );
  });

  it('gives a notifier that addresses no one only the raw addresses', () => {
    const result = resolveRecipients(config, 'team-channel', 'none', ['maya', 'ops@example.com']);

    expect(result.recipients).toEqual([{ address: 'ops@example.com' }]);
    expect(result.unresolved).toEqual([
      { to: 'maya', reason: expect.stringContaining('does not address people') },
    ]);
  });
});

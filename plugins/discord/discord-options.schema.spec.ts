import { discordOptionsSchema } from './discord-options.schema';

describe('discord options', () => {
  const webhookUrl = 'https://discord.com/api/webhooks/1/abc';

  it('refuses names Discord refuses, and plain http to anywhere but this machine', () => {
    const message = (input: unknown) => discordOptionsSchema.safeParse(input).error?.issues[0].message;

    expect(discordOptionsSchema.parse({ webhookUrl, username: 'Metronome' })).toEqual({
      webhookUrl,
      username: 'Metronome',
    });
    expect(message({ webhookUrl, username: 'Discord Bot' })).toBe(
      'must not contain "discord" or "clyde": Discord refuses such webhook names',
    );
    expect(message({ webhookUrl: 'http://discord.com/api/webhooks/1/abc' })).toBe(
      'must be an https:// URL such as "https://discord.com/api/webhooks/<id>/<token>"',
    );
  });
});

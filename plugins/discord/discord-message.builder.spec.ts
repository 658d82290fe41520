import { buildDiscordPayload, DISCORD_LIMITS, embedLength } from './discord-message.builder';

describe('buildDiscordPayload', () => {
  const now = new Date('2026-11-02T09:00:00Z');

  it('stays inside every Discord limit however long the message is', () => {
    const payload = buildDiscordPayload(
      {
        to: Array.from({ length: 150 }, (_, i) => ({ address: `${100000000000000000 + i}` })),
        subject: 'S'.repeat(5000),
        text: 'T'.repeat(20_000),
        links: Array.from({ length: 100 }, (_, i) => ({ label: `L${i}`, url: `https://x.example/${i}` })),
      },
      { now },
    );

    expect(payload.content.length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
    expect(embedLength(payload.embeds[0])).toBeLessThanOrEqual(DISCORD_LIMITS.embedTotal);
    expect(payload.embeds[0].fields?.[0].value.length).toBeLessThanOrEqual(DISCORD_LIMITS.fieldValue);
    expect(payload.allowed_mentions.users).toHaveLength(100);
  });

  it('mentions no one and omits the description when there are no recipients and no text', () => {
    const payload = buildDiscordPayload({ to: [], subject: 'Ping @everyone', text: '' }, { now });

    expect(payload.allowed_mentions).toEqual({ parse: [], users: [] });
    expect(payload.embeds[0]).not.toHaveProperty('description');
    expect(payload.embeds[0].color).toBe(0x3498db);
  });
});

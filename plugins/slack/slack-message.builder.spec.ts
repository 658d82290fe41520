import { buildSlackPayload } from './slack-message.builder';

describe('buildSlackPayload', () => {
  it('mentions user and group ids, escapes everything else, and cuts escaped text without half an entity', () => {
    const payload = buildSlackPayload({
      to: [{ address: 'U024BE7LH' }, { address: 'S0614TZR7' }, { address: '<!here>' }],
      subject: 'A & B',
      text: `${'x'.repeat(2996)}&&&&`,
    });

    expect(payload.text).toBe('<@U024BE7LH> <!subteam^S0614TZR7> &lt;!here&gt; A &amp; B');
    const section = payload.blocks[1];
    // 2996 x + "&amp;" × 4 is over 3000: the cut falls inside an entity, which is dropped whole.
    expect(section.type === 'section' && section.text.text).toBe(`${'x'.repeat(2996)}…`);
  });

  it('has no actions block without links, and defaults to the info emoji', () => {
    const payload = buildSlackPayload({ to: [], subject: 'Hi', text: 'There' });

    expect(payload.blocks.map((b) => b.type)).toEqual(['header', 'section']);
    expect(payload.blocks[0]).toMatchObject({ text: { text: ':information_source: Hi' } });
  });
});

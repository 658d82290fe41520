import { hashtagsOf, linksOf, mentionsOf, textRuleProblems } from './text-rules';

const texts = (tokens: Array<{ text: string }>) => tokens.map((token) => token.text);

describe('text rules', () => {
  it('finds hashtags, but not in links, anchors, entities, words or numbers', () => {
    const text = '#Coffee time! café#not &#38; #1 https://acme.example/#anchor #naïve_beans, (#roast)';
    expect(texts(hashtagsOf(text))).toEqual(['#Coffee', '#naïve_beans', '#roast']);
  });

  it('finds mentions (local, with a domain, remote) but not e-mail addresses or link paths', () => {
    const text =
      'Hi @maya, @acme.bsky.social and @theo@mastodon.example; write to team@acme.example, see https://x.example/@me';
    expect(texts(mentionsOf(text))).toEqual(['@maya', '@acme.bsky.social', '@theo@mastodon.example']);
  });

  it('finds links without their closing punctuation', () => {
    expect(texts(linksOf('See https://acme.example/beans. Or (http://x.example/a)!'))).toEqual([
      'https://acme.example/beans',
      'http://x.example/a',
    ]);
  });

  it('says how many hashtags are over the limit and where the first one over is', () => {
    const text = 'Beans #one #two #three #four';
    expect(textRuleProblems(text, { maxHashtags: 2 })).toEqual([
      {
        at: text.indexOf('#three'),
        message: '4 hashtags, over the limit of 2 by 2 (the first one over is #three): remove 2',
      },
    ]);
    expect(textRuleProblems(text, { maxHashtags: 4 })).toEqual([]);
  });

  it('counts mentions against their limit', () => {
    expect(textRuleProblems('@a @b', { maxMentions: 1 })).toEqual([
      { at: 3, message: '2 mentions, over the limit of 1 by 1 (the first one over is @b): remove 1' },
    ]);
  });

  it('refuses links where the platform makes none, and only there', () => {
    const text = 'Shop at https://acme.example now';
    expect(textRuleProblems(text, { links: false })).toEqual([
      {
        at: 8,
        message:
          "the text has a link (https://acme.example), but this platform makes no links of a post's text: remove it",
      },
    ]);
    expect(textRuleProblems(text, { links: true })).toEqual([]);
    expect(textRuleProblems(text, {})).toEqual([]);
  });
});

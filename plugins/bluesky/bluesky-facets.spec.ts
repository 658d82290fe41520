import { buildFacets, detectMentions } from './bluesky-facets';

function bytes(text: string, part: string, from = 0): { byteStart: number; byteEnd: number } {
  const start = text.indexOf(part, from);
  return {
    byteStart: Buffer.byteLength(text.slice(0, start)),
    byteEnd: Buffer.byteLength(text.slice(0, start + part.length)),
  };
}

describe('bluesky facets', () => {
  it('finds mentions of well-formed handles, with UTF-8 byte ranges', () => {
    const text = 'Café ☕️ with @Bob.bsky.social, (@carol.test) and @nothandle or me@mail.example.';
    expect(detectMentions(text)).toEqual([
      { handle: 'bob.bsky.social', ...bytes(text, '@Bob.bsky.social') },
      { handle: 'carol.test', ...bytes(text, '@carol.test') },
    ]);
  });

  it('marks links without trailing punctuation, hashtags, and the resolved mentions, in text order', () => {
    const text =
      'Grüße @bob.test! See https://acme.example/a?b=1. (also http://x.example/y) #coffee, #2024 #☕️time';
    const [mention] = detectMentions(text);
    const facets = buildFacets(text, [{ ...mention, did: 'did:plc:bob' }]);
    expect(facets.map((facet) => [facet.index, facet.features[0]])).toEqual([
      [bytes(text, '@bob.test'), { $type: 'app.bsky.richtext.facet#mention', did: 'did:plc:bob' }],
      [
        bytes(text, 'https://acme.example/a?b=1'),
        { $type: 'app.bsky.richtext.facet#link', uri: 'https://acme.example/a?b=1' },
      ],
      [
        bytes(text, 'http://x.example/y'),
        { $type: 'app.bsky.richtext.facet#link', uri: 'http://x.example/y' },
      ],
      [bytes(text, '#coffee'), { $type: 'app.bsky.richtext.facet#tag', tag: 'coffee' }],
      [bytes(text, '#☕️time'), { $type: 'app.bsky.richtext.facet#tag', tag: '☕️time' }],
    ]);
  });

  it('leaves mentions that did not resolve as plain text', () => {
    expect(buildFacets('hi @ghost.test', [])).toEqual([]);
  });
});

import type { MediaAttachment, PublishRequest } from '../../src/plugin-sdk';
import { pinterestOptionsSchema } from './pinterest-options.schema';
import {
  firstUrlOf,
  linkOf,
  mediaSourceOf,
  PinBodyProblem,
  pinBodyOf,
  pinTextOf,
  targetOf,
} from './pinterest-pin-body';

const options = pinterestOptionsSchema.parse({ board: '111', boardSection: '222', accessToken: 'pina_x' });
const image = (altText?: string): MediaAttachment => ({ path: '/c/a.png', mimeType: 'image/png', altText });
const request = (
  fields: Partial<PublishRequest> = {},
): Pick<PublishRequest, 'text' | 'title' | 'extra' | 'media'> => ({
  text: 'Our winter blend. Read more at https://acme.example/winter.',
  title: 'Winter blend',
  media: [image('A cup')],
  extra: {},
  ...fields,
});

describe('Pinterest pin bodies', () => {
  it('takes the first link of the text, without the sentence punctuation or an unbalanced parenthesis', () => {
    expect(firstUrlOf('See https://acme.example/a.')).toBe('https://acme.example/a');
    expect(firstUrlOf('(at https://acme.example/b) and http://x.example')).toBe('https://acme.example/b');
    expect(firstUrlOf('https://en.wikipedia.org/wiki/Mocha_(coffee)!')).toBe(
      'https://en.wikipedia.org/wiki/Mocha_(coffee)',
    );
    expect(firstUrlOf('no link here')).toBeUndefined();
  });

  it('extra.link wins over the text, false means none, and anything but http(s) is refused', () => {
    expect(linkOf(request({ extra: { link: 'https://shop.example/p/1' } }))).toBe('https://shop.example/p/1');
    expect(linkOf(request({ extra: { link: false } }))).toBeUndefined();
    expect(() => linkOf(request({ extra: { link: 'javascript:alert(1)' } }))).toThrow(PinBodyProblem);
    expect(() => linkOf(request({ extra: { link: `https://a.example/${'x'.repeat(2048)}` } }))).toThrow(
      /2048/,
    );
  });

  it('builds title, description (the text as written), link and alt text', () => {
    expect(pinTextOf(request())).toEqual({
      title: 'Winter blend',
      description: 'Our winter blend. Read more at https://acme.example/winter.',
      link: 'https://acme.example/winter',
      altText: 'A cup',
    });
    // Alt text goes with a single image only (carousel items have no alt text in Create Pin).
    expect(pinTextOf(request({ media: [image('A'), image('B')], title: undefined }))).toEqual({
      description: 'Our winter blend. Read more at https://acme.example/winter.',
      link: 'https://acme.example/winter',
    });
  });

  it('refuses texts over Pinterest code point limits that the grapheme count let through', () => {
    const family = '👨‍👩‍👧‍👦'; // one grapheme, seven code points
    expect(() => pinTextOf(request({ text: family.repeat(200) }))).toThrow(
      /1400 Unicode code points.*at most 800/,
    );
    expect(() => pinTextOf(request({ title: 'x'.repeat(101) }))).toThrow(/title/);
    expect(() => pinTextOf(request({ media: [image('a'.repeat(501))] }))).toThrow(/alt text/);
    expect(pinTextOf(request({ text: 'é'.repeat(800) })).description).toHaveLength(800);
  });

  it('sends to the option board and section, or to extra.board (its own section or none)', () => {
    expect(targetOf(request(), options)).toEqual({ boardId: '111', boardSectionId: '222' });
    expect(targetOf(request({ extra: { board: '333' } }), options)).toEqual({ boardId: '333' });
    expect(targetOf(request({ extra: { board: '333', boardSection: '444' } }), options)).toEqual({
      boardId: '333',
      boardSectionId: '444',
    });
    expect(() => targetOf(request({ extra: { board: 'my-board' } }), options)).toThrow(/digits only/);
  });

  it('one image, a carousel of 2 to 5, base64 or URLs', () => {
    expect(mediaSourceOf([{ contentType: 'image/png', base64: 'AAAA' }])).toEqual({
      source_type: 'image_base64',
      content_type: 'image/png',
      data: 'AAAA',
    });
    expect(mediaSourceOf([{ url: 'https://m.example/1.png' }])).toEqual({
      source_type: 'image_url',
      url: 'https://m.example/1.png',
    });
    expect(mediaSourceOf([{ url: 'https://m.example/1.png' }, { url: 'https://m.example/2.png' }])).toEqual({
      source_type: 'multiple_image_urls',
      items: [{ url: 'https://m.example/1.png' }, { url: 'https://m.example/2.png' }],
    });
    expect(
      mediaSourceOf([
        { contentType: 'image/png', base64: 'AAAA' },
        { contentType: 'image/jpeg', base64: 'BBBB' },
      ]),
    ).toEqual({
      source_type: 'multiple_image_base64',
      items: [
        { content_type: 'image/png', data: 'AAAA' },
        { content_type: 'image/jpeg', data: 'BBBB' },
      ],
    });
    expect(() => mediaSourceOf([])).toThrow(/needs an image/);
    expect(() => mediaSourceOf(Array(6).fill({ url: 'https://m.example/1.png' }))).toThrow(/at most 5/);
  });

  it('leaves out what is empty', () => {
    expect(pinBodyOf({ boardId: '1' }, {}, [{ url: 'https://m.example/1.png' }])).toEqual({
      board_id: '1',
      media_source: { source_type: 'image_url', url: 'https://m.example/1.png' },
    });
  });
});

import Handlebars from 'handlebars';
import { displayText, registerViewHelpers, safeUrl } from './view-helpers';

describe('displayText: user text as shown', () => {
  it('removes every bidirectional control a caption could use to reverse how text reads', () => {
    const controls = [
      '\u202A', // LRE
      '\u202B', // RLE
      '\u202C', // PDF
      '\u202D', // LRO
      '\u202E', // RLO: "\u202Egnp.exe" reads as "exe.png"
      '\u2066', // LRI
      '\u2067', // RLI
      '\u2068', // FSI
      '\u2069', // PDI
      '\u200E', // LRM
      '\u200F', // RLM
      '\u061C', // ALM
    ];
    for (const control of controls) {
      expect(displayText(`photo${control}gnp.exe`)).toBe('photognp.exe');
    }
    expect(displayText(controls.join('x'))).toBe('x'.repeat(controls.length - 1));
  });

  it('keeps everything else as it is: right-to-left scripts, emoji, joiners, markup (escaped later)', () => {
    for (const text of [
      'שלום עולם',
      'مرحبا',
      '👩‍💻 dev',
      'a\u200Db',
      '<script>alert(1)</script>',
      '',
      ' spaced ',
    ]) {
      expect(displayText(text)).toBe(text);
    }
    expect(displayText('x'.repeat(10_000))).toHaveLength(10_000);
  });

  it('shows numbers as text and anything else as nothing', () => {
    expect(displayText(42)).toBe('42');
    for (const value of [undefined, null, {}, ['a'], true, Symbol.iterator]) {
      expect(displayText(value)).toBe('');
    }
  });
});

describe('view helpers in a template', () => {
  const hbs = Handlebars.create();
  registerViewHelpers(hbs);
  const render = (source: string, context: Record<string, unknown> = {}) => hbs.compile(source)(context);

  it('{{text}} escapes markup and drops bidi controls', () => {
    const html = render('<span class="user-text" dir="auto">{{text caption}}</span>', {
      caption: '<img src=x onerror=alert(1)>\u202Egnp.exe "quoted" & \'single\'',
    });
    expect(html).toBe(
      '<span class="user-text" dir="auto">&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;gnp.exe &quot;quoted&quot; &amp; &#x27;single&#x27;</span>',
    );
  });

  it('{{csrfField}} escapes the token it is given', () => {
    expect(render('{{csrfField}}', { csrfToken: 'a"><script>' })).toBe(
      '<input type="hidden" name="_csrf" value="a&quot;&gt;&lt;script&gt;">',
    );
    expect(render('{{csrfField}}')).toBe('<input type="hidden" name="_csrf" value="">');
  });

  it('{{time}}, {{isoTime}} and {{plural}}', () => {
    const at = new Date('2030-01-09T09:15:00Z');
    expect(render('{{time at "America/New_York" "d MMM yyyy, HH:mm"}}', { at })).toBe('9 Jan 2030, 04:15');
    expect(render('{{time at}}', { at: at.toISOString() })).toBe('9 Jan 2030, 09:15');
    expect(render('{{time at}}', { at: undefined })).toBe('');
    expect(render('{{isoTime at}}', { at })).toBe('2030-01-09T09:15:00.000Z');
    expect(render('{{plural 1 "post" "posts"}} {{plural 3 "post" "posts"}}')).toBe('1 post 3 posts');
  });
});

describe('safeUrl: links a platform or a person gave', () => {
  it('keeps http(s) links and drops every other scheme', () => {
    expect(safeUrl('https://bsky.app/profile/x/post/1')).toBe('https://bsky.app/profile/x/post/1');
    expect(safeUrl('http://example.org/a')).toBe('http://example.org/a');
    expect(safeUrl('javascript:alert(1)')).toBeUndefined();
    expect(safeUrl(' JavaScript:alert(1)')).toBeUndefined();
    expect(safeUrl('data:text/html,<script>alert(1)</script>')).toBeUndefined();
    expect(safeUrl('/relative')).toBeUndefined();
    expect(safeUrl(undefined)).toBeUndefined();
  });
});

import { composeFile, newFileName, publishValue, withPublishLine } from './compose-file';

const fields = {
  title: 'Launch: "big" day',
  publish: '2030-01-09T09:15',
  channels: ['social'],
  campaign: 'winter',
  theme: '',
  body: 'Hello\r\nworld',
  draft: false,
};

describe('compose file', () => {
  it('writes front matter the importer reads, quoting what YAML needs quoted', () => {
    expect(composeFile(fields)).toBe(
      '---\ntitle: \'Launch: "big" day\'\npublish: 2030-01-09 09:15\nchannels: [ social ]\ncampaign: winter\n---\nHello\nworld\n',
    );
    expect(composeFile({ ...fields, publish: '', channels: [], campaign: '', draft: true })).toContain(
      'publish: next-slot\ndraft: true\n',
    );
  });

  it('editing keeps the keys and comments the form does not manage', () => {
    const existing =
      '---\ntitle: Old # keep me\ntags: [a]\nfunnel: awareness\ntheme: brewing\n---\nOld body\n';
    const text = composeFile({ ...fields, theme: '' }, existing);
    expect(text).toContain('tags: [ a ]');
    expect(text).toContain('funnel: awareness');
    expect(text).not.toContain('theme:');
    expect(text).toContain('title: \'Launch: "big" day\' # keep me');
  });

  it('rewrites only the publish line, byte for byte elsewhere (CRLF kept)', () => {
    const file = '---\r\ntitle: A  #c\r\npublish: next-slot\r\n---\r\npublish: not front matter\r\n';
    expect(withPublishLine(file, '2030-01-01 10:00')).toBe(
      '---\r\ntitle: A  #c\r\npublish: 2030-01-01 10:00\r\n---\r\npublish: not front matter\r\n',
    );
    expect(withPublishLine('---\ntitle: A\n---\nbody', '2030-01-01 10:00')).toBe(
      '---\ntitle: A\npublish: 2030-01-01 10:00\n---\nbody',
    );
    expect(withPublishLine('no front matter', '2030-01-01 10:00')).toBeUndefined();
  });

  it('datetime-local becomes "YYYY-MM-DD HH:MM"; names are slugs, never taken twice', () => {
    expect(publishValue('2030-01-09T09:15')).toBe('2030-01-09 09:15');
    expect(publishValue(' ')).toBe('next-slot');
    const taken = new Set(['2030-01-09-launch-big-day.md']);
    expect(newFileName(fields, (name) => taken.has(name))).toBe('2030-01-09-launch-big-day-2.md');
    expect(newFileName({ ...fields, title: '日本', publish: '' }, () => false)).toBe('unscheduled-post.md');
  });
});

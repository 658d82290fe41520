import { profileDifferences } from './profile-differences';

describe('profileDifferences', () => {
  const declared = {
    displayName: 'Acme Coffee',
    bio: 'Roasted in Leeds.',
    links: ['https://acme.example/shop', 'https://acme.example'],
  };

  it('finds nothing when only whitespace, link order, a trailing slash or host case differ', () => {
    expect(
      profileDifferences(declared, {
        displayName: ' Acme Coffee',
        bio: 'Roasted in Leeds.\r\n',
        links: ['https://ACME.example/', 'https://acme.example/shop/'],
      }),
    ).toEqual([]);
  });

  it('names each field that differs with what was expected and what is live', () => {
    expect(
      profileDifferences(
        { ...declared, pinned: 'https://acme.example/p/1' },
        { displayName: 'acme', bio: 'Roasted in Leeds.', links: ['https://acme.example'] },
      ),
    ).toEqual([
      { field: 'displayName', expected: 'Acme Coffee', actual: 'acme' },
      { field: 'pinned', expected: 'https://acme.example/p/1', actual: null },
      { field: 'links', expected: declared.links, actual: ['https://acme.example'] },
    ]);
  });

  it('watches only what the config declares (links: [] is the default, not "no links")', () => {
    expect(
      profileDifferences({ links: [] }, { displayName: 'x', bio: 'y', links: ['https://z.example'] }),
    ).toEqual([]);
  });
});

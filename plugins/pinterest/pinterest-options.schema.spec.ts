import { apiRootOf, pinterestOptionsSchema } from './pinterest-options.schema';

const parse = (value: unknown) => pinterestOptionsSchema.safeParse(value);
const messages = (value: unknown) => {
  const result = parse(value);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('pinterest options', () => {
  const oauth = { clientId: '1234', clientSecret: 'secret' };

  it('fills the defaults: production host, Pinterest OAuth endpoints, images uploaded', () => {
    const options = pinterestOptionsSchema.parse({ board: '549755885175', ...oauth });
    expect(options).toMatchObject({
      sandbox: false,
      images: 'upload',
      authorizationUrl: 'https://www.pinterest.com/oauth/',
      tokenUrl: 'https://api.pinterest.com/v5/oauth/token',
      timeoutMs: 30_000,
    });
    expect(apiRootOf(options)).toBe('https://api.pinterest.com/v5');
  });

  it('sandbox: true switches the host; apiUrl overrides both', () => {
    expect(apiRootOf(pinterestOptionsSchema.parse({ board: '1', sandbox: true, ...oauth }))).toBe(
      'https://api-sandbox.pinterest.com/v5',
    );
    expect(
      apiRootOf(
        pinterestOptionsSchema.parse({
          board: '1',
          sandbox: true,
          apiUrl: 'http://127.0.0.1:9/v5/',
          ...oauth,
        }),
      ),
    ).toBe('http://127.0.0.1:9/v5');
  });

  it('refuses a board that is not an id, unknown options, plain http elsewhere, and no way to authenticate', () => {
    expect(messages({ board: 'acme/winter', ...oauth })).toEqual([
      expect.stringMatching(/^board: must be the board id, digits only/),
    ]);
    expect(messages({ board: '1', boardId: '1', ...oauth })[0]).toMatch(/unknown option "boardId"/);
    expect(messages({ board: '1', apiUrl: 'http://api.pinterest.com/v5', ...oauth })[0]).toMatch(/https/);
    expect(messages({ board: '1' })).toEqual([
      expect.stringMatching(/^clientId: set clientId and clientSecret/),
    ]);
    expect(messages({ board: '1', accessToken: 'pina_abc' })).toEqual([]);
    expect(messages({ board: '1', accessToken: 'has space', ...oauth })[0]).toMatch(/without spaces/);
  });

  it('never echoes a secret in a message', () => {
    const all = messages({
      board: 'x',
      clientId: 'id',
      clientSecret: 'TOPSECRET',
      accessToken: 'TOP SECRET',
    });
    expect(all.join('\n')).not.toMatch(/TOPSECRET|TOP SECRET/);
  });
});

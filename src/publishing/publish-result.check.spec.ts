import { PermanentError } from '../plugin-sdk';
import { InvalidConnectorAnswerError, publishResultProblem } from './publish-result.check';

describe('publishResultProblem: a connector answer is checked, never trusted', () => {
  it('accepts a remote id with or without url and time', () => {
    expect(publishResultProblem({ remoteId: 'at://did:plc:x/app.bsky.feed.post/3k' })).toBeUndefined();
    expect(
      publishResultProblem({
        remoteId: '1177',
        url: 'https://mastodon.example/@acme/1177',
        publishedAt: new Date('2026-12-01T09:00:00Z'),
      }),
    ).toBeUndefined();
    expect(publishResultProblem({ remoteId: '1177', url: null, publishedAt: null })).toBeUndefined();
  });

  it.each([
    [undefined, 'undefined instead of { remoteId, url?, publishedAt? }'],
    [null, 'null instead of { remoteId, url?, publishedAt? }'],
    ['1177', 'string instead of { remoteId, url?, publishedAt? }'],
    [{}, 'no remoteId (got none)'],
    [{ remoteId: '' }, 'no remoteId (got "")'],
    [{ remoteId: '  ' }, 'no remoteId (got "  ")'],
    [{ remoteId: 1177 }, 'no remoteId (got 1177)'],
    [{ remoteId: 'x'.repeat(1025) }, 'a remoteId of 1025 characters (at most 1024)'],
    [{ remoteId: '1', url: '/posts/1' }, 'a url that is not an absolute http(s) address ("/posts/1")'],
    [
      { remoteId: '1', url: 'javascript:alert(1)' },
      'a url that is not an absolute http(s) address ("javascript:alert(1)")',
    ],
    [{ remoteId: '1', publishedAt: '2026-12-01' }, 'a publishedAt that is not a valid Date ("2026-12-01")'],
    [{ remoteId: '1', publishedAt: new Date('nope') }, 'a publishedAt that is not a valid Date (null)'],
  ])('refuses %j: %s', (answer, problem) => {
    expect(publishResultProblem(answer)).toBe(problem);
  });

  it('names the plugin and the call, and is permanent (a retry could publish twice)', () => {
    const error = new InvalidConnectorAnswerError('acme-webhook', 'publish', 'no remoteId (got none)');
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.name).toBe('InvalidConnectorAnswerError');
    expect(error.message).toMatch(
      /^connector "acme-webhook" answered publish with no remoteId \(got none\): a bug in the connector plugin/,
    );
  });
});

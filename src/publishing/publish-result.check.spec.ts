import { PermanentError } from '../plugin-sdk';
import {
  checkedOutcome,
  InvalidConnectorAnswerError,
  publishResultProblem,
  publishStatusProblem,
} from './publish-result.check';

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

describe('checkedOutcome: a publish or lookup answer is a result or "accepted, finishing", checked at the boundary', () => {
  it('tells a published post from an accepted one', () => {
    expect(checkedOutcome('ig', 'publish', { remoteId: '17' }, true)).toEqual({
      published: { remoteId: '17' },
    });
    expect(
      checkedOutcome('ig', 'lookup', { status: 'accepted', handle: 'c-1', checkAfterMs: 0 }, true),
    ).toEqual({
      accepted: { status: 'accepted', handle: 'c-1', checkAfterMs: 0 },
    });
  });

  it.each([
    [{ status: 'accepted' }, '"accepted" without a handle (got none)'],
    [{ status: 'accepted', handle: ' ' }, '"accepted" without a handle (got " ")'],
    [
      { status: 'accepted', handle: 'h'.repeat(1025) },
      '"accepted" with a handle of 1025 characters (at most 1024)',
    ],
    [
      { status: 'accepted', handle: 'c-1', checkAfterMs: -1 },
      '"accepted" with a checkAfterMs that is not a finite number ≥ 0 (-1)',
    ],
    [
      { status: 'accepted', handle: 'c-1', checkAfterMs: Number.NaN },
      '"accepted" with a checkAfterMs that is not a finite number ≥ 0 (NaN)',
    ],
    [
      { status: 'accepted', handle: 'c-1', checkAfterMs: '5s' },
      '"accepted" with a checkAfterMs that is not a finite number ≥ 0 ("5s")',
    ],
  ])('refuses %j, naming the plugin: %s', (answer, problem) => {
    expect(() => checkedOutcome('ig', 'publish', answer, true)).toThrow(
      new InvalidConnectorAnswerError('ig', 'publish', problem),
    );
  });

  it('refuses an accepted answer from a connector without status: the core could never finish it', () => {
    expect(() => checkedOutcome('ig', 'publish', { status: 'accepted', handle: 'c-1' }, false)).toThrow(
      /^connector "ig" answered publish with "accepted, finishing" but has no status\(handle\)/,
    );
  });
});

describe('publishStatusProblem: an answer to status(handle)', () => {
  it('accepts published with a result, finishing, and failed with a reason', () => {
    expect(publishStatusProblem({ status: 'published', result: { remoteId: '17' } })).toBeUndefined();
    expect(publishStatusProblem({ status: 'finishing' })).toBeUndefined();
    expect(publishStatusProblem({ status: 'finishing', checkAfterMs: 2000 })).toBeUndefined();
    expect(publishStatusProblem({ status: 'failed', reason: 'expired' })).toBeUndefined();
  });

  it.each([
    [undefined, "undefined instead of { status: 'published' | 'finishing' | 'failed', … }"],
    [{ status: 'published' }, '"published" with undefined instead of { remoteId, url?, publishedAt? }'],
    [{ status: 'published', result: { remoteId: '' } }, '"published" with no remoteId (got "")'],
    [
      { status: 'finishing', checkAfterMs: Infinity },
      '"finishing" with a checkAfterMs that is not a finite number ≥ 0 (Infinity)',
    ],
    [{ status: 'failed' }, '"failed" without a reason (got none)'],
    [{ status: 'done' }, 'an unknown status "done" (expected "published", "finishing" or "failed")'],
  ])('refuses %j: %s', (answer, problem) => {
    expect(publishStatusProblem(answer)).toBe(problem);
  });
});

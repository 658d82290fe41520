import { remoteIdConflicts } from './remote-id-conflicts';

const claim = (variantId: string, remoteId: string, channelId = 'c1') => ({
  variantId,
  postId: `post-of-${variantId}`,
  channelId,
  remoteId,
  connector: 'sandbox',
});

describe('remoteIdConflicts: one remote id per idempotency key, checked per recorded batch', () => {
  it('refuses a remote id another post of the channel holds, naming the connector and that post', () => {
    const conflicts = remoteIdConflicts(
      [claim('v1', 'r1'), claim('v2', 'r2')],
      [{ variantId: 'old', postId: 'P-OLD', channelId: 'c1', remoteId: 'r2' }],
    );
    expect([...conflicts.keys()]).toEqual(['v2']);
    expect(conflicts.get('v2')).toMatch(
      /^connector "sandbox" answered publish with remote id "r2", which post P-OLD already holds: the connector ignores the idempotency key/,
    );
  });

  it('lets the first of a batch keep a remote id the batch repeats, and refuses the others', () => {
    const conflicts = remoteIdConflicts([claim('v1', 'same'), claim('v2', 'same'), claim('v3', 'same')], []);
    expect([...conflicts.keys()]).toEqual(['v2', 'v3']);
    expect(conflicts.get('v3')).toContain('which post post-of-v1 already holds');
  });

  it('does not compare remote ids across channels, nor a variant with itself', () => {
    const conflicts = remoteIdConflicts(
      [claim('v1', 'r1', 'c1'), claim('v2', 'r1', 'c2')],
      [{ variantId: 'v1', postId: 'post-of-v1', channelId: 'c1', remoteId: 'r1' }],
    );
    expect(conflicts.size).toBe(0);
  });
});

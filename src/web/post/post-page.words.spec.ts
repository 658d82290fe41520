import { actorWords, auditWords, listWords, waitsOn, whoWords, type AuditRowInput } from './post-page.words';

const names = { person: (id: string) => ({ maya: 'Maya Admin', theo: 'Theo Writer' })[id] };
const row = (fields: Partial<AuditRowInput>): AuditRowInput => ({
  actor: 'maya',
  onBehalfBy: null,
  apiTokenId: null,
  action: 'post.state_changed',
  subjectType: 'post',
  subjectId: 'p1',
  data: {},
  ...fields,
});

describe('post page words', () => {
  it('lists names as a sentence', () => {
    expect(listWords([])).toBe('');
    expect(listWords(['A'])).toBe('A');
    expect(listWords(['A', 'B'])).toBe('A and B');
    expect(listWords(['A', 'B', 'C'], 'or')).toBe('A, B or C');
  });

  it('says who an open step waits on', () => {
    expect(waitsOn('all', ['maya', 'ivy'], ['maya'])).toEqual(['ivy']);
    expect(waitsOn('any', ['maya', 'ivy'], [])).toEqual(['maya', 'ivy']);
  });

  it('names people, services and Metronome’s own roles, and who acted on whose behalf', () => {
    expect(actorWords('theo', names)).toBe('Theo Writer');
    expect(actorWords('service:ops', names)).toBe('service:ops');
    expect(actorWords('plan-sync', names)).toBe('plan-sync (Metronome)');
    expect(whoWords(row({ onBehalfBy: 'service:ops', apiTokenId: 't1' }), names)).toBe(
      'service:ops on behalf of Maya Admin, through the API',
    );
    expect(whoWords(row({ actor: 'scheduler' }), names)).toBe('scheduler (Metronome)');
  });

  it('says what happened in words', () => {
    const channelOf = (id: string) => (id === 'v1' ? 'social' : undefined);
    expect(
      auditWords(row({ data: { from: 'in_review', to: 'draft', reason: 'changes requested' } }), channelOf),
    ).toBe('Moved the post from In review to Draft: changes requested');
    expect(
      auditWords(
        row({
          action: 'approval.decided',
          data: { step: 'sign-off', decision: 'reject', comment: 'No', overdue: true },
        }),
        channelOf,
      ),
    ).toBe('Rejected at “sign-off” (after the step was due): No');
    expect(
      auditWords(
        row({
          action: 'variant.state_changed',
          subjectType: 'post_variant',
          subjectId: 'v1',
          data: { from: 'publishing', to: 'published' },
        }),
        channelOf,
      ),
    ).toBe('social: from Publishing to Published');
    expect(
      auditWords(
        row({ action: 'variant.cancelled', subjectId: 'v9', data: { reason: 'removed' } }),
        channelOf,
      ),
    ).toBe('a channel: cancelled: removed');
    expect(auditWords(row({ action: 'post.imported', data: { file: 'a.md' } }), channelOf)).toBe(
      'Imported the post from a.md',
    );
    expect(auditWords(row({ action: 'cycle.stage_changed' }), channelOf)).toBe('cycle stage changed');
  });
});

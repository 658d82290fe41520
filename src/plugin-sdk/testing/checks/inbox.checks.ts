import type { InboxItemInput } from '../../connector';
import { ConformanceProblem, sleep } from '../conformance-session';
import type { ConformanceCheck } from './conformance-check';

const KINDS = new Set(['comment', 'mention', 'reply', 'message']);
/** How long to wait for the clock to move past the newest item, so a new item is strictly newer. */
const CLOCK_WAIT_MS = 1_000;

function shapeProblems(item: InboxItemInput, index: number): string[] {
  const problems: string[] = [];
  const at = `item ${index} (${JSON.stringify(item.remoteId)})`;
  if (typeof item.remoteId !== 'string' || item.remoteId === '') {
    problems.push(`${at}: remoteId must be a non-empty string`);
  }
  if (!KINDS.has(item.kind)) {
    problems.push(`${at}: kind ${JSON.stringify(item.kind)} is not one of ${[...KINDS].join(', ')}`);
  }
  if (typeof item.author !== 'string' || item.author === '') {
    problems.push(`${at}: author must be a non-empty string`);
  }
  if (typeof item.text !== 'string') {
    problems.push(`${at}: text must be a string`);
  }
  if (!(item.receivedAt instanceof Date) || Number.isNaN(item.receivedAt.getTime())) {
    problems.push(`${at}: receivedAt must be a valid Date (got ${JSON.stringify(item.receivedAt)})`);
  }
  return problems;
}

async function fetchChecked(fetch: (since: Date | undefined) => Promise<InboxItemInput[]>, since?: Date) {
  const items = await fetch(since);
  if (!Array.isArray(items)) {
    throw new ConformanceProblem(`fetchInbox answered ${JSON.stringify(items)}: answer an array of items`);
  }
  const problems = items.flatMap(shapeProblems);
  if (problems.length > 0) {
    throw new ConformanceProblem(`fetchInbox answered malformed items: ${problems.join('; ')}`);
  }
  return items;
}

function newest(items: InboxItemInput[]): Date | undefined {
  return items.reduce<Date | undefined>(
    (at, item) => (!at || item.receivedAt > at ? item.receivedAt : at),
    undefined,
  );
}

export const inboxCursor: ConformanceCheck = {
  name: 'inbox-cursor',
  title: 'inbox items come back, and a fetch since the newest returns only newer ones',
  capability: 'inbox',
  methods: ['fetchInbox'],
  notApplicable: ({ platform }) =>
    platform.addInboxItem ? undefined : 'the platform has no addInboxItem: add one to test the inbox',
  async run(session) {
    const { connector, platform, context } = session;
    const fetch = (since: Date | undefined) => connector.fetchInbox!(since);
    // Whatever is there already (and a cursor the connector may keep) is read first.
    const before = await fetchChecked(fetch, undefined);
    const texts = [session.text('inbox-1'), session.text('inbox-2'), session.text('inbox-3')];
    await platform.addInboxItem!({ text: texts[0], author: 'conformance.reader' });
    await platform.addInboxItem!({ text: texts[1], author: 'conformance.reader' });
    const first = await fetchChecked(fetch, newest(before));
    const missing = texts.slice(0, 2).filter((text) => !first.some((item) => item.text.includes(text)));
    if (missing.length > 0) {
      throw new ConformanceProblem(
        `fetchInbox did not return ${missing.length} of 2 new items (texts ${missing.map((text) => `"${text}"`).join(', ')}): it answered ${first.length} items`,
      );
    }
    const since = newest(first) as Date;
    for (let waited = 0; context.clock.now() <= since && waited < CLOCK_WAIT_MS; waited += 10) {
      await sleep(10);
    }
    await platform.addInboxItem!({ text: texts[2], author: 'conformance.reader' });
    const second = await fetchChecked(fetch, since);
    if (!second.some((item) => item.text.includes(texts[2]))) {
      throw new ConformanceProblem(
        `a fetch since ${since.toISOString()} did not return the item added after it ("${texts[2]}")`,
      );
    }
    const seen = new Set(first.map((item) => item.remoteId));
    const repeated = second.filter((item) => seen.has(item.remoteId) || item.receivedAt < since);
    if (repeated.length > 0) {
      throw new ConformanceProblem(
        `a fetch since ${since.toISOString()} returned ${repeated.length} item(s) already read or older (${repeated.map((item) => item.remoteId).join(', ')}): the cursor must be monotonic; answer only items after "since" (or after the cursor the connector keeps in context.state)`,
      );
    }
  },
};

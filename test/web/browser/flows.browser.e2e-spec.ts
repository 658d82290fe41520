import type { Page } from 'puppeteer-core';
import { ApprovalDecisionEntity } from '../../../src/approvals/approval-decision.entity';
import { ApprovalEntity } from '../../../src/approvals/approval.entity';
import { ChannelEntity } from '../../../src/channels/channel.entity';
import { PostEntity } from '../../../src/content/post.entity';
import { IncidentEntity } from '../../../src/escalations/incident.entity';
import { IncidentService } from '../../../src/escalations/incident.service';
import { InboxItemEntity } from '../../../src/inbox/inbox-item.entity';
import { InboxItemRepository } from '../../../src/inbox/inbox-item.repository';
import { InboxReplyEntity } from '../../../src/inbox/inbox-reply.entity';
import { AuditEventEntity } from '../../../src/persistence/entities/audit-event.entity';
import { TransactionContext } from '../../../src/persistence/transaction-context';
import { post } from '../../content/content-workspace';
import {
  checkAxe,
  describeInBrowser,
  screenshot,
  signInInBrowser,
  startBrowserWebApp,
  type BrowserWebApp,
} from './browser.fixture';

jest.setTimeout(180_000);

/** The text of the first element matching `selector`, or null when there is none. */
async function textOf(page: Page, selector: string): Promise<string | null> {
  return (await page.evaluate(
    `(() => { const el = document.querySelector(${JSON.stringify(selector)}); return el ? el.textContent : null; })()`,
  )) as string | null;
}

/** Clicks and waits for the full page load the click starts (a link, or a form without htmx). */
async function clickAndLoad(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(selector)]);
}

/**
 * The web app's main flows as people do them, in Chromium under the real CSP: reply to an inbox item,
 * acknowledge then resolve an incident, walk the calendar across a DST change, ask for changes on a post.
 * Each flow checks the database (what was really done, by whom) and ends with axe and a screenshot.
 */
describeInBrowser('web app in Chromium: the main flows, end to end', () => {
  let web: BrowserWebApp;

  beforeAll(async () => {
    web = await startBrowserWebApp({
      files: {
        // Either side of Europe/London's change to summer time (Sunday 31 March 2030), 09:00 local both.
        'before-dst.md': post('title: Friday roast notes\npublish: 2030-03-29 09:00'),
        'after-dst.md': post('title: Monday brew guide\npublish: 2030-04-01 09:00'),
        'spring.md': post('title: Spring menu teaser\npublish: 2030-05-06 10:00'),
      },
    });
  });

  afterAll(async () => {
    await web?.close();
  });

  it('inbox: rosa types a reply, sends it, and sees it sent; exactly one reply went to the sandbox', async () => {
    const channel = await web.dataSource
      .getRepository(ChannelEntity)
      .findOneByOrFail({ brandId: 'acme', key: 'social' });
    await new InboxItemRepository(new TransactionContext(web.dataSource)).insertNew(
      channel.id,
      [
        {
          id: 'q1',
          item: {
            remoteId: 'r-q1',
            kind: 'comment',
            author: 'sam',
            text: 'Is the oat latte back this week?',
            url: 'https://net.example/q1',
            receivedAt: new Date(Date.now() - 40 * 60_000),
          },
        },
      ],
      () => false,
    );
    const { page, problems } = await web.newPage();
    try {
      await signInInBrowser(web, page, 'rosa', '/inbox');
      await page.waitForFunction("'htmx' in window");
      expect(await textOf(page, '#item-q1')).toContain('Is the oat latte back this week?');
      // Rosa takes the item: the assign form (htmx) swaps the item in place, now showing its assignee.
      await page.select('#assign-q1', 'rosa');
      await page.click('#item-q1 form[action="/inbox/q1/assign"] button[type="submit"]');
      await page.waitForFunction(
        `document.querySelector('#item-q1')?.textContent?.includes('Assigned to Rosa')`,
      );
      expect(
        (await web.dataSource.getRepository(InboxItemEntity).findOneByOrFail({ id: 'q1' })).assignee,
      ).toBe('rosa');
      await page.type('#reply-q1', 'Yes, from Monday!');
      // The live count follows the typing (htmx, after 300 ms).
      await page.waitForFunction(`document.querySelector('#count-q1')?.textContent?.includes('17 of 500')`);
      await page.click('#item-q1 form[action="/inbox/q1/reply"] button[type="submit"]');
      // Answered, the item's reply form goes (today the item leaves the waiting list htmx swaps it from).
      await page.waitForFunction(`document.querySelector('form[action="/inbox/q1/reply"]') === null`);
      const replies = await web.dataSource.getRepository(InboxReplyEntity).findBy({ itemId: 'q1' });
      expect(replies).toHaveLength(1);
      expect(replies[0]).toMatchObject({ state: 'sent', requestedBy: 'rosa', text: 'Yes, from Monday!' });
      expect((await web.dataSource.getRepository(InboxItemEntity).findOneByOrFail({ id: 'q1' })).state).toBe(
        'answered',
      );
      // The answered list shows the reply as sent, with its link on the network.
      await page.select('#inbox-state', 'answered');
      await clickAndLoad(page, 'form.filters button[type="submit"]');
      expect(new URL(page.url()).searchParams.get('state')).toBe('answered');
      const item = (await textOf(page, '#item-q1')) ?? '';
      expect(item).toContain('Sent');
      expect(item).toContain('Yes, from Monday!');
      expect(item).toContain('by rosa');
      expect(await page.$(`#item-q1 a[href="${replies[0].url}"]`)).not.toBeNull();
      // Reloading and sending nothing more: still exactly one reply.
      expect(await web.dataSource.getRepository(InboxReplyEntity).countBy({ itemId: 'q1' })).toBe(1);
      await checkAxe(page);
      await screenshot(page, 'flow-inbox-reply');
      expect(problems).toEqual([]);
    } finally {
      await page.browserContext().close();
    }
  });

  it('incidents: maya acknowledges an open incident with a comment, finds it under Acknowledged, resolves it', async () => {
    const { incident } = await web.app.get(IncidentService).open({
      brandId: 'acme',
      rule: 'channel-down',
      subjectKey: 'flow',
      title: 'Acme social channel is down',
      severity: 'critical',
      details: {},
      policy: { policy: 'on-call', levels: [{ targets: ['maya'], afterMs: 0 }], repeat: 0 },
      at: new Date(Date.now() - 3_600_000),
    });
    const card = `#incident-${incident.id}`;
    const { page, problems } = await web.newPage();
    try {
      await signInInBrowser(web, page, 'maya', '/incidents');
      expect(await textOf(page, card)).toContain('Acme social channel is down');
      await page.type(`#ack-${incident.id}`, 'Looking at the token');
      await clickAndLoad(page, `${card} form[action$="/acknowledge"] button[type="submit"]`);
      // Back on the open list: the incident is no longer there.
      expect(await page.$(card)).toBeNull();
      await clickAndLoad(page, 'nav.incident-tabs a[href^="/incidents?state=acknowledged"]');
      const acknowledged = (await textOf(page, card)) ?? '';
      expect(acknowledged).toContain('Acknowledged');
      expect(acknowledged).toContain('acknowledged by Maya Admin: Looking at the token');
      let row = await web.dataSource.getRepository(IncidentEntity).findOneByOrFail({ id: incident.id });
      expect(row.state).toBe('acknowledged');
      await page.type(`#resolve-${incident.id}`, 'New token installed');
      await clickAndLoad(page, `${card} form[action$="/resolve"] button[type="submit"]`);
      await clickAndLoad(page, 'nav.incident-tabs a[href^="/incidents?state=resolved"]');
      const resolved = (await textOf(page, card)) ?? '';
      expect(resolved).toContain('resolved by Maya Admin: New token installed');
      row = await web.dataSource.getRepository(IncidentEntity).findOneByOrFail({ id: incident.id });
      expect(row.state).toBe('resolved');
      const audit = await web.dataSource
        .getRepository(AuditEventEntity)
        .findBy({ subjectId: incident.id, actor: 'maya' });
      expect(audit.map((event) => event.action)).toEqual(
        expect.arrayContaining(['incident.acknowledged', 'incident.resolved']),
      );
      await checkAxe(page);
      await screenshot(page, 'flow-incident-resolved');
      expect(problems).toEqual([]);
    } finally {
      await page.browserContext().close();
    }
  });

  it('calendar: 09:00 London before and after the change to summer time, through the "Next week" link', async () => {
    const { page, problems } = await web.newPage();
    const headings = () =>
      page.evaluate(
        `Array.from(document.querySelectorAll('.calendar-week h2 time')).map((t) => t.getAttribute('datetime') + ' ' + t.textContent)`,
      ) as Promise<string[]>;
    const entry = (title: string) =>
      page.evaluate(`(() => {
        const li = Array.from(document.querySelectorAll('.calendar-entry')).find((el) => el.textContent.includes(${JSON.stringify(title)}));
        if (!li) return null;
        const time = li.querySelector('time');
        return { day: li.closest('section').getAttribute('aria-labelledby'), shown: time.textContent, at: time.getAttribute('datetime') };
      })()`) as Promise<{ day: string; shown: string; at: string } | null>;
    try {
      await signInInBrowser(web, page, 'maya', '/brands/acme/calendar?view=week&date=2030-03-27');
      expect(await headings()).toEqual([
        '2030-03-25 Mon 25 Mar',
        '2030-03-26 Tue 26 Mar',
        '2030-03-27 Wed 27 Mar',
        '2030-03-28 Thu 28 Mar',
        '2030-03-29 Fri 29 Mar',
        '2030-03-30 Sat 30 Mar',
        '2030-03-31 Sun 31 Mar',
      ]);
      // Winter time: 09:00 London is 09:00 UTC.
      expect(await entry('Friday roast notes')).toEqual({
        day: 'day-2030-03-29',
        shown: '09:00',
        at: '2030-03-29T09:00:00.000Z',
      });
      expect(await entry('Monday brew guide')).toBeNull();
      await clickAndLoad(page, 'nav.calendar-nav a[rel="next"]');
      expect(new URL(page.url()).searchParams.get('view')).toBe('week');
      expect(await headings()).toEqual([
        '2030-04-01 Mon 1 Apr',
        '2030-04-02 Tue 2 Apr',
        '2030-04-03 Wed 3 Apr',
        '2030-04-04 Thu 4 Apr',
        '2030-04-05 Fri 5 Apr',
        '2030-04-06 Sat 6 Apr',
        '2030-04-07 Sun 7 Apr',
      ]);
      // Summer time: 09:00 London is 08:00 UTC, still shown at 09:00.
      expect(await entry('Monday brew guide')).toEqual({
        day: 'day-2030-04-01',
        shown: '09:00',
        at: '2030-04-01T08:00:00.000Z',
      });
      expect(await entry('Friday roast notes')).toBeNull();
      await checkAxe(page);
      await screenshot(page, 'flow-calendar-after-dst');
      expect(problems).toEqual([]);
    } finally {
      await page.browserContext().close();
    }
  });

  it('approvals: theo asks for changes on a post with a comment (the post page has no decision controls)', async () => {
    const postRow = await web.dataSource
      .getRepository(PostEntity)
      .findOneByOrFail({ title: 'Spring menu teaser' });
    const { page, problems } = await web.newPage();
    try {
      // The post page shows decisions but offers none to take: the flow goes through /approvals.
      await signInInBrowser(web, page, 'theo', `/posts/${postRow.id}`);
      expect(await page.$('button[value="request_changes"]')).toBeNull();
      await clickAndLoad(page, 'a[href="/approvals"]');
      await page.waitForFunction("'htmx' in window");
      const row = `#row-${postRow.id}`;
      expect(await textOf(page, row)).toContain('Spring menu teaser');
      // Without a comment, asking for changes is refused and the reason shows in #flash.
      await page.click(`${row} button[value="request_changes"]`);
      await page.waitForFunction(
        `document.querySelector('#flash')?.textContent?.includes('needs a comment')`,
      );
      // The refused request (400) is logged by Chromium and htmx: expected here, and nothing else.
      expect(problems.every((problem) => /400|htmx:responseError|Response Status Error/.test(problem))).toBe(
        true,
      );
      problems.length = 0;
      expect(await web.dataSource.getRepository(ApprovalDecisionEntity).countBy({ person: 'theo' })).toBe(0);
      await page.type(`#comment-${postRow.id}`, 'Name the new blend in the first line, please.');
      await page.click(`${row} button[value="request_changes"]`);
      await page.waitForFunction(
        `document.querySelector(${JSON.stringify(row)})?.classList.contains('approvals-decided')`,
      );
      expect(await textOf(page, row)).toContain('Decided');
      const approvals = await web.dataSource.getRepository(ApprovalEntity).findBy({ postId: postRow.id });
      expect(approvals.map((approval) => approval.status)).toContain('changes_requested');
      const decisions = await web.dataSource.getRepository(ApprovalDecisionEntity).findBy({ person: 'theo' });
      expect(decisions).toEqual([
        expect.objectContaining({
          decision: 'request_changes',
          comment: 'Name the new blend in the first line, please.',
        }),
      ]);
      // The post page now shows the decision and its comment.
      await page.goto(`${web.baseUrl}/posts/${postRow.id}`, { waitUntil: 'load' });
      const decided = (await textOf(page, '.post-decisions')) ?? '';
      expect(decided).toContain('Name the new blend in the first line, please.');
      await checkAxe(page);
      await screenshot(page, 'flow-approval-changes-requested');
      expect(problems).toEqual([]);
    } finally {
      await page.browserContext().close();
    }
  });
});

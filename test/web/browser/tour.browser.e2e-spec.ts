import { DateTime } from 'luxon';
import request from 'supertest';
import { ChannelEntity } from '../../../src/channels/channel.entity';
import { PostEntity } from '../../../src/content/post.entity';
import { IncidentService } from '../../../src/escalations/incident.service';
import { InboxItemRepository } from '../../../src/inbox/inbox-item.repository';
import { ReportRepository } from '../../../src/reporting/report.repository';
import { ApiTokenRepository } from '../../../src/persistence/api-token.repository';
import { TransactionContext } from '../../../src/persistence/transaction-context';
import { post } from '../../content/content-workspace';
import { WEB_YAML } from '../web-app.fixture';
import {
  ARTIFACTS_DIR,
  describeInBrowser,
  signInInBrowser,
  startBrowserWebApp,
  type BrowserWebApp,
} from './browser.fixture';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

jest.setTimeout(180_000);

/** The README's tour: a small agency's month, as maya (admin, owner of Acme Coffee) sees it. */
const TOUR_YAML = WEB_YAML.replace('Test Agency', 'Northwind Studio')
  .replace('maya: { name: Maya Admin,', 'maya: { name: Maya Owens,')
  .replace('theo: { name: Theo Writer,', 'theo: { name: Theo Park,')
  .replace(
    '    roles: { cleo: client, rosa: community, ed: editor }\n',
    '    roles: { cleo: client, rosa: community, ed: editor }\n    inbox: { responseSla: 4h }\n',
  );

/** Posts over the days to come (the calendar's current month, or the next days when the month ends). */
function tourFiles(): Record<string, string> {
  const zone = 'Europe/London';
  const start = DateTime.now().setZone(zone).startOf('day');
  const at = (days: number, time: string) => `${start.plus({ days }).toFormat('yyyy-MM-dd')} ${time}`;
  const acme: Array<[string, number, string, string]> = [
    ['Winter blend is here', 1, '09:00', 'campaign: winter\ntheme: roastery'],
    ['How we roast on Tuesdays', 2, '09:30', 'theme: roastery'],
    ['Pour-over in five steps', 3, '09:15', 'theme: brewing'],
    ['Meet the farmers of Huila', 5, '09:00', 'campaign: winter'],
    ['Oat latte is back', 6, '09:45', 'theme: brewing'],
    ['Gift cards for the holidays', 8, '09:00', 'campaign: winter'],
    ['Behind the counter: Sam', 10, '09:30', 'draft: true'],
    ['Cold brew at home', 12, '09:00', 'theme: brewing\ndraft: true'],
  ];
  const files: Record<string, string> = {};
  acme.forEach(([title, days, time, extra], index) => {
    files[`tour-${index}.md`] = post(
      `title: ${JSON.stringify(title)}\npublish: ${at(days, time)}\n${extra}`,
      `${title}. Fresh beans, roasted on Tuesday. #coffee`,
    );
  });
  return files;
}

function betaFiles(dir: string): void {
  const start = DateTime.now().setZone('America/New_York').startOf('day');
  const beta: Array<[string, number, string]> = [
    ['Winter tyres: what to check', 1, '08:00'],
    ['Saturday group ride', 4, '07:30'],
    ['Service week: 20% off tune-ups', 7, '10:00'],
    ['New gravel frames in store', 11, '12:00'],
  ];
  mkdirSync(join(dir, 'content-beta'), { recursive: true });
  beta.forEach(([title, days, time], index) => {
    writeFileSync(
      join(dir, 'content-beta', `tour-${index}.md`),
      post(
        `title: ${JSON.stringify(title)}\npublish: ${start.plus({ days }).toFormat('yyyy-MM-dd')} ${time}`,
        `${title}. #bikes`,
      ),
    );
  });
}

/** The screens of the tour, as the README shows them. */
/** Each screen, and a text of the seeded agency it must show (so a screenshot of an empty page fails). */
const TOUR: Array<{ name: string; path: string; shows: string }> = [
  { name: 'today', path: '/', shows: 'How we roast on Tuesdays' },
  // The month most of the posts fall in (the next month when few days of this one are left).
  {
    name: 'calendar',
    path: `/calendar?view=month&date=${DateTime.now().setZone('Europe/London').plus({ days: 6 }).toFormat('yyyy-MM-dd')}`,
    shows: 'Oat latte is back',
  },
  { name: 'post', path: ':post', shows: 'Lovely photo.' },
  { name: 'approvals', path: '/approvals?tab=all', shows: 'Pour-over in five steps' },
  { name: 'inbox', path: '/inbox', shows: 'Is the winter blend available in whole beans?' },
  { name: 'incidents', path: '/incidents', shows: 'publishing failed 3 times in a row' },
  { name: 'reports', path: '/reports', shows: 'Download PDF' },
  { name: 'channels', path: '/channels', shows: 'sandbox' },
  { name: 'system', path: '/system', shows: 'theo-laptop' },
];

describeInBrowser('README tour: screenshots of a small agency', () => {
  let web: BrowserWebApp;
  let featured: string;

  beforeAll(async () => {
    web = await startBrowserWebApp({ yaml: TOUR_YAML, prepare: betaFiles, files: tourFiles() });
    const posts = web.dataSource.getRepository(PostEntity);
    // Every file imported (a file the import refuses would silently thin the tour).
    expect(await posts.count()).toBe(12);
    const id = async (title: string) => (await posts.findOneByOrFail({ title })).id;
    // Decisions through the REST API, as theo's and maya's tokens would send them.
    const bearer = async (person: string) => ({
      Authorization: `Bearer ${(await new ApiTokenRepository(web.dataSource).create(`${person}-laptop`, { person, scopes: ['approvals:write'] })).plaintext}`,
    });
    const theo = await bearer('theo');
    const maya = await bearer('maya');
    const decide = async (who: Record<string, string>, title: string, body: Record<string, string>) =>
      request(web.server)
        .post(`/api/v1/posts/${await id(title)}/decisions`)
        .set(who)
        .send(body)
        .expect(201);
    featured = await id('Winter blend is here');
    await decide(theo, 'Winter blend is here', { decision: 'approve', comment: 'Lovely photo.' });
    await decide(maya, 'Winter blend is here', { decision: 'approve' });
    await decide(theo, 'How we roast on Tuesdays', { decision: 'approve' });
    await decide(theo, 'Pour-over in five steps', { decision: 'approve' });
    await decide(theo, 'Oat latte is back', {
      decision: 'request_changes',
      comment: 'Say which days the oat latte is on.',
    });
    // Three inbox items: two for Acme Coffee (one near its 4h response time), one for Beta Bikes.
    const inbox = new InboxItemRepository(new TransactionContext(web.dataSource));
    const items: Array<[string, string, string, string, number]> = [
      ['acme', 'q1', 'sam_sips', 'Is the winter blend available in whole beans?', 190],
      ['acme', 'q2', 'kim.brews', 'Loved the pour-over guide, thank you!', 25],
      ['beta', 'q3', 'rider42', 'Do you fit tubeless tyres on Saturdays?', 70],
    ];
    for (const [brand, itemId, author, text, minutes] of items) {
      const channel = await web.dataSource
        .getRepository(ChannelEntity)
        .findOneByOrFail({ brandId: brand, key: 'social' });
      await inbox.insertNew(
        channel.id,
        [
          {
            id: itemId,
            item: {
              remoteId: `r-${itemId}`,
              kind: 'comment',
              author,
              text,
              url: `https://social.example/${itemId}`,
              receivedAt: new Date(Date.now() - minutes * 60_000),
            },
          },
        ],
        () => false,
      );
    }
    // Last month's reports, rendered (a small stand-in PDF on disk).
    const reports = new ReportRepository(web.dataSource);
    const lastMonth = DateTime.now().setZone('Europe/London').minus({ months: 1 }).toFormat('yyyy-MM');
    const pdf = Buffer.from("%PDF-1.7\n% the tour's stand-in report\n%%EOF\n");
    for (const brand of ['acme', 'beta']) {
      const file = join(web.workspace.dir, `${brand}-${lastMonth}.pdf`);
      writeFileSync(file, pdf);
      const report = await reports.startRendering(brand, lastMonth, 'standard', new Date());
      await reports.markRendered(report.id, file, pdf.byteLength, new Date());
    }
    await web.app.get(IncidentService).open({
      brandId: 'acme',
      rule: 'channel-health',
      subjectKey: 'acme/social',
      title: 'Acme Coffee social: publishing failed 3 times in a row',
      severity: 'critical',
      details: {},
      policy: { policy: 'on-call', levels: [{ targets: ['rosa'], afterMs: 0 }], repeat: 0 },
      at: new Date(Date.now() - 45 * 60_000),
    });
  });

  afterAll(async () => {
    await web?.close();
  });

  it('saves a 1280x800 light screenshot of each screen of the tour, free of CSP and page errors', async () => {
    const { page, problems } = await web.newPage();
    try {
      await page.setViewport({ width: 1280, height: 800 });
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }]);
      await signInInBrowser(web, page, 'maya', '/');
      mkdirSync(ARTIFACTS_DIR, { recursive: true });
      for (const screen of TOUR) {
        const path = screen.path === ':post' ? `/posts/${featured}` : screen.path;
        const answer = await page.goto(`${web.baseUrl}${path}`, { waitUntil: 'load' });
        expect({ path, status: answer?.status() }).toEqual({ path, status: 200 });
        const text = (await page.evaluate('document.querySelector("main").textContent')) as string;
        expect({ path, shows: text.includes(screen.shows) }).toEqual({ path, shows: true });
        await page.screenshot({ path: join(ARTIFACTS_DIR, `tour-${screen.name}.png`), type: 'png' });
      }
      expect(problems).toEqual([]);
    } finally {
      await page.browserContext().close();
    }
  });
});

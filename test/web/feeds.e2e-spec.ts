import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import request from 'supertest';
import { ApprovalService } from '../../src/approvals/approval.service';
import { loadConfiguration, type LoadedConfig } from '../../src/config/config.loader';
import { ConfigService } from '../../src/config/config.service';
import { PostEntity } from '../../src/content/post.entity';
import { AuditEventEntity } from '../../src/persistence/entities/audit-event.entity';
import { CalendarFeedEntity } from '../../src/web/session/calendar-feed.entity';
import { tokenHash } from '../../src/web/session/token-hash';
import { post } from '../content/content-workspace';
import { startWebApp, WEB_YAML, type SignedIn, type WebApp } from './web-app.fixture';

const HOSTILE = `<script>alert(1)</script>\u202Eevil\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected ${'x'.repeat(10_000)}`;

/** The first Wednesday at least two weeks ahead on British Summer Time (always within the feed's 180 days). */
function summerWednesday(): DateTime {
  let day = DateTime.now().setZone('Europe/London').plus({ days: 14 }).startOf('day');
  while (day.weekday !== 3 || day.offset !== 60) {
    day = day.plus({ days: 1 });
  }
  return day;
}

interface IcsEvent {
  [property: string]: string;
}

/** A small ICS reader: unfolds lines, then each VEVENT's properties by name (parameters dropped). */
function parseIcs(text: string): { lines: string[]; events: IcsEvent[] } {
  expect(text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
  expect(text.trimEnd().endsWith('END:VCALENDAR')).toBe(true);
  const physical = text.split('\r\n');
  // RFC 5545: content lines are folded at 75 octets.
  expect(physical.every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
  const lines = text.replace(/\r\n[ \t]/g, '').split('\r\n');
  const events: IcsEvent[] = [];
  let current: IcsEvent | undefined;
  for (const line of lines) {
    if (line === 'BEGIN:VEVENT') {
      current = {};
    } else if (line === 'END:VEVENT') {
      events.push(current!);
      current = undefined;
    } else if (current) {
      const colon = line.indexOf(':');
      current[line.slice(0, colon).split(';')[0]] = line.slice(colon + 1);
    }
  }
  return { lines, events };
}

describe('web app: calendar feeds (ICS)', () => {
  let web: WebApp;
  const summer = summerWednesday();

  beforeAll(async () => {
    web = await startWebApp({
      prepare: (dir) => {
        writeFileSync(
          join(dir, 'content-beta', 'ride.md'),
          post(`title: Beta group ride\npublish: ${summer.toFormat('yyyy-LL-dd')} 11:00`),
        );
      },
      files: {
        'summer.md': post(`title: Summer launch\npublish: ${summer.toFormat('yyyy-LL-dd')} 09:00`),
        'review.md': post(
          `title: Waiting for review\npublish: ${summer.plus({ days: 2 }).toFormat('yyyy-LL-dd')} 09:00`,
        ),
        'hostile.md': post(
          `title: ${JSON.stringify(HOSTILE)}\npublish: ${summer.plus({ days: 5 }).toFormat('yyyy-LL-dd')} 09:00`,
        ),
      },
    });
    const summerPost = await web.dataSource
      .getRepository(PostEntity)
      .findOneByOrFail({ title: 'Summer launch' });
    const approvals = web.app.get(ApprovalService);
    await approvals.decide({ postId: summerPost.id, person: 'theo', decision: 'approve' });
    await approvals.decide({ postId: summerPost.id, person: 'maya', decision: 'approve' });
  });

  afterAll(async () => {
    await web.close();
  });

  const create = async (who: SignedIn, form: Record<string, string>) => {
    const answer = await request(web.server)
      .post('/feeds')
      .set('Cookie', who.cookie)
      .type('form')
      .send({ _csrf: who.csrf, ...form });
    return answer;
  };
  /** Creates a feed and returns its URL's path and short id, read from the page answering the creation. */
  const created = async (who: SignedIn, form: Record<string, string>) => {
    const answer = await create(who, form);
    expect(answer.status).toBe(201);
    const url = /value="http:\/\/127\.0\.0\.1:3999(\/feeds\/([A-Za-z0-9_-]{43})\.ics)"/.exec(answer.text);
    expect(url).not.toBeNull();
    return { path: url![1], token: url![2], id: tokenHash(url![2]).slice(0, 12), page: answer.text };
  };
  const fetchIcs = (path: string) => request(web.server).get(path);

  it('refuses /feeds without a session, and creating without the CSRF token', async () => {
    expect((await request(web.server).get('/feeds').expect(303)).headers.location).toBe(
      '/sign-in?next=%2Ffeeds',
    );
    await request(web.server).post('/feeds').type('form').send({ scope: 'person' }).expect(303);
    const theo = await web.signIn('theo');
    await request(web.server)
      .post('/feeds')
      .set('Cookie', theo.cookie)
      .type('form')
      .send({ scope: 'person' })
      .expect(403);
    expect(await web.dataSource.getRepository(CalendarFeedEntity).count()).toBe(0);
  });

  it('the posts are where the feed expects them: summer launch scheduled, the others in review, the ride scheduled', async () => {
    const posts = await web.dataSource.getRepository(PostEntity).find({ order: { title: 'ASC' } });
    const states = Object.fromEntries(posts.map((p) => [p.title.slice(0, 20), p.state]));
    expect(states).toMatchObject({
      'Summer launch': 'scheduled',
      'Waiting for review': 'in_review',
      'Beta group ride': 'scheduled',
    });
  });

  it('creating shows the URL once; the list then says "created", never the token; only the hash is stored', async () => {
    const maya = await web.signIn('maya');
    const feed = await created(maya, { scope: 'brand', brand: 'acme' });
    expect(feed.page).toContain('shown only this once');
    const stored = await web.dataSource
      .getRepository(CalendarFeedEntity)
      .findOneByOrFail({ tokenHash: tokenHash(feed.token) });
    expect(stored).toMatchObject({ person: 'maya', scope: 'brand', brandId: 'acme', revokedAt: null });
    const list = await request(web.server).get('/feeds').set('Cookie', maya.cookie).expect(200);
    expect(list.text).not.toContain(feed.token);
    expect(list.text).toContain(feed.id);
    expect(list.text).toContain('Acme Coffee calendar');
    expect(list.text).toMatch(/created <time/);
    expect(list.text).toContain(`action="/feeds/${feed.id}/revoke"`);
    const audit = await web.dataSource
      .getRepository(AuditEventEntity)
      .findOneByOrFail({ action: 'calendar_feed.created' });
    expect(audit).toMatchObject({ actor: 'maya', subjectId: feed.id });
  });

  it('a brand feed, fetched without a session: posts in UTC (09:00 London summer time is 08:00Z), approvals and plan due dates, that brand only', async () => {
    const maya = await web.signIn('maya');
    const feed = await created(maya, { scope: 'brand', brand: 'acme' });
    const answer = await fetchIcs(feed.path).expect(200);
    expect(answer.headers['content-type']).toBe('text/calendar; charset=utf-8');
    const { events, lines } = parseIcs(answer.text);
    const summerPost = await web.dataSource
      .getRepository(PostEntity)
      .findOneByOrFail({ title: 'Summer launch' });
    const launch = events.find((event) => event.SUMMARY === '[social] Summer launch');
    expect(launch).toBeDefined();
    expect(launch!.DTSTART).toBe(`${summer.toFormat('yyyyLLdd')}T080000Z`);
    expect(launch!.DTEND).toBe(`${summer.toFormat('yyyyLLdd')}T081500Z`);
    expect(launch!.URL).toBe(`http://127.0.0.1:3999/posts/${summerPost.id}`);
    expect(launch!.DESCRIPTION).toContain('Scheduled');
    // The copy review of the post waiting for it: due 48h before its publish time.
    const review = events.find((event) => event.SUMMARY === 'Approval due: copy review — Waiting for review');
    expect(review).toBeDefined();
    expect(review!.DTSTART).toBe(`${summer.toFormat('yyyyLLdd')}T080000Z`);
    expect(events.filter((event) => event.SUMMARY.startsWith('Plan due: Acme Coffee'))).toHaveLength(2);
    // Nothing of beta, which maya sees too, in acme's feed.
    expect(answer.text).not.toContain('Beta');
    // The hostile title stays one escaped property of one event; no event is injected, no bidi override kept.
    expect(lines.some((line) => line.startsWith('SUMMARY:injected'))).toBe(false);
    expect(events.filter((event) => event.SUMMARY.includes('<script>alert(1)</script>'))).toHaveLength(1);
    expect(answer.text).not.toContain('\u202E');
    expect(events.every((event) => event.SUMMARY.length < 300)).toBe(true);
  });

  it('a person feed holds what waits on the person: their approval deadlines and the plans of brands they own', async () => {
    const theo = await web.signIn('theo');
    const feed = await created(theo, { scope: 'person' });
    const { events } = parseIcs((await fetchIcs(feed.path).expect(200)).text);
    const summaries = events.map((event) => event.SUMMARY);
    expect(summaries).toContain('Approval due: copy review — Waiting for review');
    expect(summaries.filter((summary) => summary.startsWith('Plan due: Beta Bikes'))).toHaveLength(2);
    // theo does not own acme; and no posts in a person feed.
    expect(summaries.some((summary) => summary.startsWith('Plan due: Acme Coffee'))).toBe(false);
    expect(summaries.some((summary) => summary.startsWith('[social]'))).toBe(false);
    // cleo (client on acme) has nothing waiting, and nothing of beta.
    const cleo = await web.signIn('cleo');
    const hers = await created(cleo, { scope: 'person' });
    const text = (await fetchIcs(hers.path).expect(200)).text;
    expect(parseIcs(text).events).toHaveLength(0);
    expect(text).not.toContain('Beta');
  });

  it('a feed of a brand the person does not see cannot be created', async () => {
    const cleo = await web.signIn('cleo');
    const answer = await create(cleo, { scope: 'brand', brand: 'beta' });
    expect(answer.status).toBe(403);
    expect((await create(cleo, { scope: 'brand', brand: 'nope' })).status).toBe(403);
    expect(
      await web.dataSource.getRepository(CalendarFeedEntity).countBy({ person: 'cleo', brandId: 'beta' }),
    ).toBe(0);
  });

  it('revoking: the URL answers 404 from then on; another person cannot revoke it; unknown tokens are 404', async () => {
    const ed = await web.signIn('ed');
    const feed = await created(ed, { scope: 'brand', brand: 'acme' });
    await fetchIcs(feed.path).expect(200);
    const rosa = await web.signIn('rosa');
    await request(web.server)
      .post(`/feeds/${feed.id}/revoke`)
      .set('Cookie', rosa.cookie)
      .type('form')
      .send({ _csrf: rosa.csrf })
      .expect(404);
    await fetchIcs(feed.path).expect(200);
    const revoked = await request(web.server)
      .post(`/feeds/${feed.id}/revoke`)
      .set('Cookie', ed.cookie)
      .type('form')
      .send({ _csrf: ed.csrf })
      .expect(303);
    expect(revoked.headers.location).toBe('/feeds');
    await fetchIcs(feed.path).expect(404);
    const list = await request(web.server).get('/feeds').set('Cookie', ed.cookie).expect(200);
    expect(list.text).not.toContain(feed.id);
    await fetchIcs(`/feeds/${'A'.repeat(43)}.ics`).expect(404);
    await fetchIcs('/feeds/short.ics').expect(404);
  });

  describe('when the configuration changes', () => {
    let changed: LoadedConfig;
    beforeAll(async () => {
      // rosa leaves the organisation; cleo loses her role on acme.
      const yaml = WEB_YAML.replace(
        '  rosa: { name: Rosa Community, email: rosa@example.com }\n',
        '',
      ).replace('roles: { cleo: client, rosa: community, ed: editor }', 'roles: { ed: editor }');
      writeFileSync(join(web.workspace.dir, 'changed.yaml'), yaml);
      const result = await loadConfiguration(join(web.workspace.dir, 'changed.yaml'), { env: {} });
      if (!result.ok) {
        throw new Error(JSON.stringify(result.issues));
      }
      changed = result.loaded;
    });
    afterEach(() => jest.restoreAllMocks());

    it('a person who left the configuration: their feeds answer 404; a brand lost: its feed answers 404', async () => {
      const rosa = await web.signIn('rosa');
      const rosas = await created(rosa, { scope: 'person' });
      const cleo = await web.signIn('cleo');
      const cleos = await created(cleo, { scope: 'brand', brand: 'acme' });
      const cleosOwn = await created(cleo, { scope: 'person' });
      await fetchIcs(rosas.path).expect(200);
      await fetchIcs(cleos.path).expect(200);
      jest.spyOn(web.app.get(ConfigService), 'loaded', 'get').mockReturnValue(changed);
      await fetchIcs(rosas.path).expect(404);
      await fetchIcs(cleos.path).expect(404);
      // cleo is still a person: her own feed stays, empty.
      await fetchIcs(cleosOwn.path).expect(200);
    });
  });

  it('the page has no inline script, style attribute or event handler; every input is labelled', async () => {
    const maya = await web.signIn('maya');
    const page = (await request(web.server).get('/feeds').set('Cookie', maya.cookie).expect(200)).text;
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(page).not.toMatch(/\son[a-z]+=/);
    expect(page).not.toMatch(/\sstyle=/);
    for (const [, id] of page.matchAll(/<(?:input|select)[^>]*\sid="([^"]+)"/g)) {
      expect(page).toContain(`for="${id}"`);
    }
  });
});

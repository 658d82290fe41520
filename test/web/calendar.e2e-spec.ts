import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { PostEntity } from '../../src/content/post.entity';
import { PostVariantEntity } from '../../src/publishing/post-variant.entity';
import { post } from '../content/content-workspace';
import { startWebApp, type WebApp } from './web-app.fixture';

const HOSTILE = `<script>alert(1)</script>\u202Egnp.exe ${'x'.repeat(10_000)}`;

/** The day cells (month) or day sections (week) of a page, by date, with their text. */
function dayTexts(html: string, view: 'month' | 'week'): Map<string, string> {
  const pattern =
    view === 'month'
      ? /<td class="calendar-day[^"]*" data-date="(\d{4}-\d{2}-\d{2})">([\s\S]*?)<\/td>/g
      : /<section class="calendar-day[^"]*" aria-labelledby="day-(\d{4}-\d{2}-\d{2})">([\s\S]*?)<\/section>/g;
  return new Map([...html.matchAll(pattern)].map((match) => [match[1], match[2]]));
}

describe('web app: calendar', () => {
  let web: WebApp;

  beforeAll(async () => {
    web = await startWebApp({
      files: {
        'launch.md': post('title: Launch\npublish: 2030-01-09 09:15\ncampaign: winter\ntheme: brewing'),
        'hostile.md': post(`title: ${JSON.stringify(HOSTILE)}\npublish: 2030-01-10 11:00`),
        'london-before.md': post('title: London before\npublish: 2030-03-30 09:00'),
        'london-after.md': post('title: London after\npublish: 2030-03-31 09:00'),
      },
      prepare: (dir) => {
        writeFileSync(
          join(dir, 'content-beta', 'ny-before.md'),
          post('title: New York before\npublish: 2030-03-09 09:00'),
        );
        writeFileSync(
          join(dir, 'content-beta', 'ny-after.md'),
          post('title: New York after\npublish: 2030-03-10 09:00'),
        );
      },
    });
  });

  afterAll(async () => {
    await web.close();
  });

  it('refuses without a session (303 to sign-in) and hides a brand from a person without a role on it', async () => {
    const answer = await request(web.server).get('/brands/acme/calendar').expect(303);
    expect(answer.headers.location).toBe('/sign-in?next=%2Fbrands%2Facme%2Fcalendar');
    await request(web.server).get('/calendar').expect(303);
    const nobody = await web.signIn('nobody');
    await request(web.server).get('/brands/acme/calendar').set('Cookie', nobody.cookie).expect(404);
    await request(web.server).get('/calendar').set('Cookie', nobody.cookie).expect(403);
    const cleo = await web.signIn('cleo');
    await request(web.server).get('/brands/beta/calendar').set('Cookie', cleo.cookie).expect(404);
    await request(web.server).get('/brands/nope/calendar').set('Cookie', cleo.cookie).expect(404);
  });

  it('a month grid, Monday first, with each post’s time, channel, state badge, title, campaign and link', async () => {
    const cleo = await web.signIn('cleo');
    const page = await request(web.server)
      .get('/brands/acme/calendar?view=month&date=2030-01-15')
      .set('Cookie', cleo.cookie)
      .expect(200);
    const days = dayTexts(page.text, 'month');
    // January 2030 starts on a Tuesday: the grid starts on Monday 31 December 2029 and ends Sunday 3 February.
    expect([...days.keys()][0]).toBe('2029-12-31');
    expect([...days.keys()].at(-1)).toBe('2030-02-03');
    expect(days.size).toBe(35);
    const launch = days.get('2030-01-09')!;
    expect(launch).toContain('09:15');
    expect(launch).toContain('Launch');
    expect(launch).toContain('social');
    expect(launch).toMatch(/class="badge badge-warn">in review</);
    expect(launch).toContain('campaign-0');
    expect(launch).toContain('Winter blend');
    expect(launch).toMatch(/href="\/posts\/[0-9A-Za-z-]+"/);
    expect(page.text).toContain('← Previous month');
    const links = page.text.replaceAll('&#x3D;', '=').replaceAll('&amp;', '&');
    expect(links).toContain('href="/brands/acme/calendar?view=month&date=2029-12-15" rel="prev"');
    expect(links).toContain('href="/brands/acme/calendar?view=month&date=2030-02-15" rel="next"');
    // A client sees, but is not offered to write.
    expect(page.text).not.toContain('New post');
  });

  it('cadence gaps: the windows the weekly cadence still expects show as empty slots', async () => {
    const ed = await web.signIn('ed');
    const page = await request(web.server)
      .get('/brands/acme/calendar?view=week&date=2030-01-09')
      .set('Cookie', ed.cookie)
      .expect(200);
    const days = dayTexts(page.text, 'week');
    // Mon, Wed, Fri 09:00-10:00, three a week; Wednesday's window holds Launch (09:15), Thursday's post is outside.
    // Two posts that week: one more slot is expected, the first free window (Monday).
    expect(days.get('2030-01-07')).toContain('empty slot');
    expect(days.get('2030-01-07')).toContain('09:00');
    expect(days.get('2030-01-09')).not.toContain('empty slot');
    expect(days.get('2030-01-11')).not.toContain('empty slot');
    // The week after: three windows, no posts, three empty slots.
    const next = await request(web.server)
      .get('/brands/acme/calendar?view=week&date=2030-01-16')
      .set('Cookie', ed.cookie)
      .expect(200);
    expect(next.text.match(/>empty slot</g)).toHaveLength(3);
    expect(page.text).toContain('New post');
  });

  it('filters by campaign, theme, state and channel (GET form)', async () => {
    const ed = await web.signIn('ed');
    const get = (query: string) =>
      request(web.server)
        .get(`/brands/acme/calendar?date=2030-01-15&${query}`)
        .set('Cookie', ed.cookie)
        .expect(200);
    expect((await get('campaign=winter')).text).toContain('Launch');
    expect((await get('campaign=winter')).text).not.toContain('alert(1)');
    expect((await get('theme=roastery')).text).not.toContain('Launch');
    expect((await get('state=published')).text).not.toContain('Launch');
    expect((await get('state=in_review')).text).toContain('Launch');
    expect((await get('channel=other')).text).not.toContain('Launch');
    const form = (await get('theme=brewing')).text;
    expect(form).toMatch(/<option value="brewing" selected>/);
    expect(form).toMatch(/<label for="filter-state">/);
  });

  it('renders a hostile caption escaped, without its bidi override', async () => {
    const maya = await web.signIn('maya');
    const page = await request(web.server)
      .get('/brands/acme/calendar?date=2030-01-10')
      .set('Cookie', maya.cookie)
      .expect(200);
    expect(page.text).not.toContain('<script>alert(1)</script>');
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.text).not.toContain('\u202E');
    expect(page.text).toContain('x'.repeat(10_000));
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(page.text).not.toMatch(/\sstyle=/);
  });

  it('DST: the week of Europe/London’s change keeps its dates, 09:00 local on both sides', async () => {
    const maya = await web.signIn('maya');
    const page = await request(web.server)
      .get('/brands/acme/calendar?view=week&date=2030-03-31')
      .set('Cookie', maya.cookie)
      .expect(200);
    const days = dayTexts(page.text, 'week');
    expect([...days.keys()]).toEqual([
      '2030-03-25',
      '2030-03-26',
      '2030-03-27',
      '2030-03-28',
      '2030-03-29',
      '2030-03-30',
      '2030-03-31',
    ]);
    expect(days.get('2030-03-25')).toContain('Mon 25 Mar');
    expect(days.get('2030-03-31')).toContain('Sun 31 Mar');
    expect(days.get('2030-03-30')).toMatch(/<time datetime="2030-03-30T09:00:00.000Z">09:00<\/time>/);
    expect(days.get('2030-03-30')).toContain('London before');
    // After the change London is UTC+1: 09:00 local is 08:00 UTC, still shown at 09:00 on the 31st.
    expect(days.get('2030-03-31')).toMatch(/<time datetime="2030-03-31T08:00:00.000Z">09:00<\/time>/);
    expect(days.get('2030-03-31')).toContain('London after');
  });

  it('DST: the week of America/New_York’s change keeps its dates, 09:00 local on both sides', async () => {
    const theo = await web.signIn('theo');
    const page = await request(web.server)
      .get('/brands/beta/calendar?view=week&date=2030-03-10')
      .set('Cookie', theo.cookie)
      .expect(200);
    const days = dayTexts(page.text, 'week');
    expect([...days.keys()][0]).toBe('2030-03-04');
    expect([...days.keys()][6]).toBe('2030-03-10');
    expect(days.get('2030-03-09')).toMatch(/<time datetime="2030-03-09T14:00:00.000Z">09:00<\/time>/);
    expect(days.get('2030-03-09')).toContain('New York before');
    expect(days.get('2030-03-10')).toMatch(/<time datetime="2030-03-10T13:00:00.000Z">09:00<\/time>/);
    expect(days.get('2030-03-10')).toContain('New York after');
    expect(page.text).toContain('Times are in America/New_York');
  });

  it('the agency view shows only the person’s brands, each entry labelled, with a brand filter', async () => {
    const theo = await web.signIn('theo');
    const all = await request(web.server)
      .get('/calendar?date=2030-03-15')
      .set('Cookie', theo.cookie)
      .expect(200);
    expect(all.text).toContain('New York after');
    expect(all.text).toContain('London after');
    expect(all.text).toContain('Beta Bikes');
    expect(all.text).toContain('Acme Coffee');
    const beta = await request(web.server)
      .get('/calendar?date=2030-03-15&brand=beta')
      .set('Cookie', theo.cookie)
      .expect(200);
    expect(beta.text).toContain('New York after');
    expect(beta.text).not.toContain('London after');
    const cleo = await web.signIn('cleo');
    const mine = await request(web.server)
      .get('/calendar?date=2030-03-15')
      .set('Cookie', cleo.cookie)
      .expect(200);
    expect(mine.text).toContain('London after');
    expect(mine.text).not.toContain('New York after');
    expect(mine.text).not.toContain('Beta Bikes');
    // Asking for a brand one cannot see shows nothing of it.
    const sneaky = await request(web.server)
      .get('/calendar?date=2030-03-15&brand=beta')
      .set('Cookie', cleo.cookie)
      .expect(200);
    expect(sneaky.text).not.toContain('New York after');
  });

  it('a channel whose state differs from its post’s says so beside the channel', async () => {
    const launch = await web.dataSource.getRepository(PostEntity).findOneByOrFail({ title: 'Launch' });
    await web.dataSource.getRepository(PostVariantEntity).update({ postId: launch.id }, { state: 'failed' });
    const maya = await web.signIn('maya');
    const page = await request(web.server)
      .get('/brands/acme/calendar?date=2030-01-09')
      .set('Cookie', maya.cookie)
      .expect(200);
    expect(dayTexts(page.text, 'month').get('2030-01-09')).toContain('social (failed)');
  });
});

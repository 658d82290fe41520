import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { PostEntity } from '../../src/content/post.entity';
import { post } from '../content/content-workspace';
import { blockBetaFolder, prepareBetaFolder, READ_ONLY_YAML } from '../content/read-only-folder';
import { startWebApp, WEB_YAML, type SignedIn, type WebApp } from './web-app.fixture';

const HOSTILE = `<script>alert(1)</script>\u202Egnp.exe ${'x'.repeat(10_000)}`;

/** A file whose other keys, comment and layout a reschedule must keep byte for byte. */
const KEPT = `---\ntitle: Kept   # a comment stays\npublish: 2030-01-16 09:00\ntags: [beans, "two words"]\n---\nBody with  two spaces.\n\n`;

describe('web app: compose, edit and reschedule', () => {
  let web: WebApp;

  beforeAll(async () => {
    web = await startWebApp({
      yaml: READ_ONLY_YAML,
      prepare: prepareBetaFolder,
      files: {
        'launch.md': post('title: Launch\npublish: 2030-01-09 09:15\ntags: [coffee]'),
        'kept.md': KEPT,
        'gone.md': post('title: Gone out\npublish: 2030-01-20 09:00'),
      },
    });
    blockBetaFolder(web.workspace.dir);
  });

  afterAll(async () => {
    await web.close();
  });

  const content = (name: string) => readFileSync(join(web.workspace.dir, 'content', name), 'utf8');
  const postBy = (title: string) =>
    web.dataSource.getRepository(PostEntity).findOneByOrFail({ brandId: 'acme', title });
  const send = (who: SignedIn, path: string, form: Record<string, string | string[]>) =>
    request(web.server)
      .post(path)
      .set('Cookie', who.cookie)
      .type('form')
      .send({ _csrf: who.csrf, ...form });

  it('refuses without a session, hides brands and posts from people without a role, and refuses viewers', async () => {
    expect((await request(web.server).get('/brands/acme/posts/new').expect(303)).headers.location).toBe(
      '/sign-in?next=%2Fbrands%2Facme%2Fposts%2Fnew',
    );
    const launch = await postBy('Launch');
    const nobody = await web.signIn('nobody');
    await request(web.server).get('/brands/acme/posts/new').set('Cookie', nobody.cookie).expect(404);
    await request(web.server).get(`/posts/${launch.id}/edit`).set('Cookie', nobody.cookie).expect(403);
    const cleo = await web.signIn('cleo');
    await request(web.server).get('/brands/acme/posts/new').set('Cookie', cleo.cookie).expect(403);
    await request(web.server).get(`/posts/${launch.id}/edit`).set('Cookie', cleo.cookie).expect(403);
    await send(cleo, `/posts/${launch.id}/reschedule`, { publish: '2030-01-10T09:00' }).expect(403);
    const theo = await web.signIn('theo');
    // theo owns beta and edits there, but on acme he only approves.
    await request(web.server).get(`/posts/${launch.id}/edit`).set('Cookie', theo.cookie).expect(403);
    await request(web.server).get('/posts/no-such-post/edit').set('Cookie', theo.cookie).expect(404);
    expect(content('launch.md')).toContain('publish: 2030-01-09 09:15');
  });

  it('composes a post: the file is written in the importer’s format, in the brand’s zone, and imported', async () => {
    const ed = await web.signIn('ed');
    const form = await request(web.server).get('/brands/acme/posts/new').set('Cookie', ed.cookie).expect(200);
    expect(form.text).toContain('Publish at (Europe/London)');
    expect(form.text).toContain('name="_csrf"');
    expect(form.text).not.toContain('Read-only');
    const saved = await send(ed, '/brands/acme/posts/new', {
      title: 'Summer roast',
      publish: '2030-07-01T09:30',
      channels: 'social',
      campaign: 'winter',
      theme: 'roastery',
      body: 'Bright and fruity.',
    }).expect(200);
    expect(saved.text).toContain('2030-07-01-summer-roast.md');
    const file = content('2030-07-01-summer-roast.md');
    expect(file).toBe(
      '---\ntitle: Summer roast\npublish: 2030-07-01 09:30\nchannels: [ social ]\ncampaign: winter\ntheme: roastery\n---\nBright and fruity.\n',
    );
    const created = await postBy('Summer roast');
    // 09:30 in London in July is 08:30 UTC.
    expect(created.publishAt?.toISOString()).toBe('2030-07-01T08:30:00.000Z');
    expect(created.campaign).toBe('winter');
    // Not a git work tree: nothing is said about git.
    expect(saved.text).not.toContain('not committed to git');
  });

  it('a file with problems is not written: the same file:line:col messages, the form keeps what was typed', async () => {
    const ed = await web.signIn('ed');
    const before = readdirSync(join(web.workspace.dir, 'content')).sort();
    const answer = await send(ed, '/brands/acme/posts/new', {
      title: 'Typed title',
      publish: '2030-02-30T09:00',
      channels: ['social', 'nowhere'],
      body: 'Typed body',
    }).expect(400);
    expect(answer.text).toContain('was not saved');
    expect(answer.text).toMatch(
      /content\/2030-02-30-typed-title\.md:\d+:\d+ &quot;2030-02-30 09:00&quot; is not a real date/,
    );
    expect(answer.text).toContain('value="Typed title"');
    expect(answer.text).toContain('>Typed body</textarea>');
    expect(readdirSync(join(web.workspace.dir, 'content')).sort()).toEqual(before);
  });

  it('edits a post: the form shows the file; saving keeps the keys the form does not manage', async () => {
    const ed = await web.signIn('ed');
    const launch = await postBy('Launch');
    const form = await request(web.server)
      .get(`/posts/${launch.id}/edit`)
      .set('Cookie', ed.cookie)
      .expect(200);
    expect(form.text).toContain('value="Launch"');
    expect(form.text).toContain('value="2030-01-09T09:15"');
    await send(ed, `/posts/${launch.id}/edit`, {
      title: HOSTILE,
      publish: '2030-01-09T10:15',
      body: 'New body',
    }).expect(200);
    const file = content('launch.md');
    expect(file).toContain('tags: [ coffee ]');
    expect(file).toContain('publish: 2030-01-09 10:15');
    const edited = await web.dataSource.getRepository(PostEntity).findOneByOrFail({ id: launch.id });
    expect(edited.title).toBe(HOSTILE);
    expect(edited.body).toBe('New body');
    // The hostile title, shown again in the form and the page title, is escaped and loses its bidi override.
    const again = await request(web.server)
      .get(`/posts/${launch.id}/edit`)
      .set('Cookie', ed.cookie)
      .expect(200);
    expect(again.text).not.toContain('<script>alert(1)</script>');
    expect(again.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(again.text).toContain('x'.repeat(10_000));
    expect(again.text).not.toMatch(/<script(?![^>]*\bsrc=)/);
    // Outside the input that edits it (where the person must see and keep their exact text), no bidi override.
    expect(again.text).toContain(`value="&lt;script&gt;alert(1)&lt;/script&gt;\u202Egnp.exe`);
    expect(again.text.replace(/<input id="compose-title"[^>]*>/, '')).not.toContain('\u202E');
    // The edit page offers the reschedule form too (datetime-local in the brand's zone).
    expect(again.text).toContain(`action="/posts/${launch.id}/reschedule"`);
    expect(again.text).toContain('New publish time (Europe/London)');
  });

  it('reschedules: only the publish line changes, byte for byte, and the post moves', async () => {
    const ed = await web.signIn('ed');
    const kept = await postBy('Kept');
    const answer = await send(ed, `/posts/${kept.id}/reschedule`, {
      publish: '2030-01-17T11:45',
      back: '/brands/acme/calendar?view=week&date=2030-01-17',
    }).expect(303);
    expect(answer.headers.location).toBe('/brands/acme/calendar?view=week&date=2030-01-17');
    expect(content('kept.md')).toBe(KEPT.replace('publish: 2030-01-16 09:00', 'publish: 2030-01-17 11:45'));
    const moved = await web.dataSource.getRepository(PostEntity).findOneByOrFail({ id: kept.id });
    expect(moved.publishAt?.toISOString()).toBe('2030-01-17T11:45:00.000Z');
    // Never off-site.
    const offsite = await send(ed, `/posts/${kept.id}/reschedule`, {
      publish: '2030-01-18T11:45',
      back: '//evil.example/',
    }).expect(303);
    expect(offsite.headers.location).toBe(`/posts/${kept.id}`);
  });

  it('a published post cannot be rescheduled or edited: a clear message, the file untouched', async () => {
    const ed = await web.signIn('ed');
    const gone = await postBy('Gone out');
    await web.dataSource.getRepository(PostEntity).update(gone.id, { state: 'published' });
    const before = content('gone.md');
    const answer = await send(ed, `/posts/${gone.id}/reschedule`, { publish: '2030-01-21T09:00' }).expect(
      409,
    );
    expect(answer.text).toContain('is published: a post that went out cannot be edited or rescheduled');
    await request(web.server).get(`/posts/${gone.id}/edit`).set('Cookie', ed.cookie).expect(409);
    expect(content('gone.md')).toBe(before);
  });

  it('a read-only content folder: the form says so up front and the POST answers a page saying so (503)', async () => {
    const theo = await web.signIn('theo');
    const form = await request(web.server)
      .get('/brands/beta/posts/new')
      .set('Cookie', theo.cookie)
      .expect(200);
    expect(form.text).toContain('Read-only:');
    expect(form.text).toContain('cannot be written here');
    expect(form.text).toMatch(/<fieldset class="stack" disabled>/);
    const answer = await send(theo, '/brands/beta/posts/new', {
      title: 'Nope',
      publish: '2030-03-01T09:00',
      body: 'x',
    }).expect(503);
    expect(answer.text).toContain('cannot be written here');
    expect(answer.text).toContain('value="Nope"');
  });
});

describe('web app: compose in a git work tree', () => {
  let web: WebApp;
  const git = (dir: string, ...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' });
  const prepare = (dir: string) => {
    git(dir, 'init', '-q');
    git(
      dir,
      '-c',
      'user.name=Setup',
      '-c',
      'user.email=setup@example.com',
      'commit',
      '-q',
      '--allow-empty',
      '-m',
      'start',
    );
    writeFileSync(join(dir, 'unrelated.txt'), 'not part of any commit the app makes\n');
  };

  afterEach(async () => {
    await web.close();
  });

  it('says the change is not committed to git (web.commitContentEdits off)', async () => {
    web = await startWebApp({ prepare });
    const ed = await web.signIn('ed');
    const saved = await request(web.server)
      .post('/brands/acme/posts/new')
      .set('Cookie', ed.cookie)
      .type('form')
      .send({ _csrf: ed.csrf, title: 'In git', publish: '2030-05-01T09:00', body: 'b' })
      .expect(200);
    expect(saved.text).toContain('Saved; the change is not committed to git.');
    expect(git(web.workspace.dir, 'log', '--format=%s').trim()).toBe('start');
  });

  it('commits that file only, as the person, when web.commitContentEdits is true', async () => {
    web = await startWebApp({
      prepare,
      yaml: WEB_YAML.replace(
        'web: { secureCookies: false }',
        'web: { secureCookies: false, commitContentEdits: true }',
      ),
    });
    const ed = await web.signIn('ed');
    const saved = await request(web.server)
      .post('/brands/acme/posts/new')
      .set('Cookie', ed.cookie)
      .type('form')
      .send({ _csrf: ed.csrf, title: 'Committed', publish: '2030-05-02T09:00', body: 'b' })
      .expect(200);
    expect(saved.text).toContain('Committed to git as you.');
    const dir = web.workspace.dir;
    expect(git(dir, 'log', '-1', '--format=%an <%ae>').trim()).toBe('Ed Editor <ed@example.com>');
    expect(git(dir, 'show', '--name-only', '--format=', 'HEAD').trim()).toBe(
      'content/2030-05-02-committed.md',
    );
    expect(git(dir, 'status', '--porcelain')).toContain('?? unrelated.txt');
    expect(existsSync(join(dir, 'content', '2030-05-02-committed.md'))).toBe(true);
  });
});

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { PostEntity } from '../../src/content/post.entity';
import { ApiTokenRepository, type ApiTokenGrant } from '../../src/persistence/api-token.repository';
import { PostVariantEntity } from '../../src/publishing/post-variant.entity';
import { post } from '../content/content-workspace';
import { png } from '../content/media-headers';
import { startWebApp, type WebApp } from './web-app.fixture';

const HOSTILE = `<script>alert(1)</script>\u202Egnp.exe ${'x'.repeat(10_000)}`;

describe('web app: the post page', () => {
  let web: WebApp;
  let launch: string;
  let hostile: string;
  let ride: string;

  const idOf = async (brandId: string, sourcePath: string) =>
    (await web.dataSource.getRepository(PostEntity).findOneByOrFail({ brandId, sourcePath })).id;
  const variantOf = (postId: string) =>
    web.dataSource.getRepository(PostVariantEntity).findOneByOrFail({ postId });
  const get = async (path: string, person: string, status = 200) =>
    request(web.server)
      .get(path)
      .set('Cookie', (await web.signIn(person)).cookie)
      .expect(status);
  async function token(name: string, grant: ApiTokenGrant) {
    const created = await new ApiTokenRepository(web.dataSource).create(name, grant);
    return { Authorization: `Bearer ${created.plaintext}` };
  }

  beforeAll(async () => {
    web = await startWebApp({
      prepare: (dir) => {
        mkdirSync(join(dir, 'content'), { recursive: true });
        writeFileSync(join(dir, 'content', 'beans.png'), png(1200, 800));
        writeFileSync(
          join(dir, 'content-beta', 'ride.md'),
          post('title: Ride secret\npublish: 2030-01-10 09:00', 'Beta only text'),
        );
      },
      files: {
        'launch.md': post(
          'title: Launch\npublish: 2030-01-09 09:15\ncampaign: winter\ntheme: brewing\nmedia: [{ path: beans.png, alt: A cup of "winter" beans }]',
          'New roast with @maya! Read https://acme.example/winter?x=1&y=2. #coffee\nSecond line',
        ),
        'hostile.md': post(
          'title: "<script>alert(1)</script>\\u202Egnp.exe"\npublish: 2030-01-16 09:15',
          'Short for now',
        ),
      },
    });
    launch = await idOf('acme', 'launch.md');
    hostile = await idOf('acme', 'hostile.md');
    ride = await idOf('beta', 'ride.md');
    // A caption the import would refuse (a file over the limit is never imported): written to the variant as a
    // stored post of an older, laxer connector would be, to show how the page renders and counts it.
    const variant = await variantOf(hostile);
    await web.dataSource.getRepository(PostVariantEntity).update({ id: variant.id }, { text: HOSTILE });
  });

  afterAll(async () => {
    await web?.close();
  });

  it('is refused without a session (303 to sign-in)', async () => {
    const answer = await request(web.server).get(`/posts/${launch}`).expect(303);
    expect(answer.headers.location).toBe(`/sign-in?next=${encodeURIComponent(`/posts/${launch}`)}`);
  });

  it('is refused to a person without a role, and a post of a brand the person does not see does not exist', async () => {
    await get(`/posts/${launch}`, 'nobody', 403);
    const cleo = await get(`/posts/${ride}`, 'cleo', 404);
    expect(cleo.text).not.toContain('Ride secret');
    expect(cleo.text).not.toContain('Beta only text');
    await get('/posts/no-such-post', 'maya', 404);
    // Theo owns beta: he sees it.
    const theo = await get(`/posts/${ride}`, 'theo');
    expect(theo.text).toContain('Beta only text');
    expect(theo.text).toContain('Beta Bikes');
  });

  it('shows the header: brand, campaign, theme, time in the brand’s zone, state in words, file; edit only for editors', async () => {
    const page = await get(`/posts/${launch}`, 'ed');
    expect(page.text).toContain('<h1>Launch</h1>');
    expect(page.text).toContain('Acme Coffee');
    expect(page.text).toContain('Winter blend');
    expect(page.text).toContain('brewing');
    expect(page.text).toContain('Wednesday 9 January 2030, 09:15');
    expect(page.text).toContain('Europe/London');
    expect(page.text).toMatch(/<span class="badge badge-info">In review<\/span>/);
    expect(page.text).toContain('launch.md');
    expect(page.text).toContain(`href="/posts/${launch}/edit"`);
    // Only the acme brand is named: nothing of beta.
    expect(page.text).not.toContain('Beta Bikes');
    const client = await get(`/posts/${launch}`, 'cleo');
    expect(client.text).not.toContain(`/posts/${launch}/edit`);
    expect(client.text).toContain('Launch');
  });

  it('previews the text the connector is sent, marked up, counted against the sandbox’s declared limit', async () => {
    const variant = await variantOf(launch);
    const page = await get(`/posts/${launch}`, 'cleo');
    expect(page.text).toContain(
      'New roast with <span class="preview-mention">@maya</span>! Read <a class="preview-link" href="https://acme.example/winter?x&#x3D;1&amp;y&#x3D;2" rel="nofollow noopener noreferrer">https://acme.example/winter?x&#x3D;1&amp;y&#x3D;2</a>. <span class="preview-hashtag">#coffee</span>\nSecond line',
    );
    // The sandbox connector declares 500 graphemes.
    const length = [...new Intl.Segmenter().segment(variant.text)].length;
    expect(page.text).toContain(`${length} / 500 characters`);
    expect(page.text).toContain(`${Buffer.byteLength(variant.text)} bytes (UTF-8)`);
    expect(page.text).toContain('Within the limit');
    expect(page.text).not.toContain('Over the limit');
    // Media: name, type, size from disk, alt text (escaped).
    expect(page.text).toContain('beans.png');
    expect(page.text).toContain('image/png');
    expect(page.text).toContain(`${png(1200, 800).length} bytes`);
    expect(page.text).toContain('A cup of &quot;winter&quot; beans');
  });

  it('shows the published link, and a failure in plain words', async () => {
    const repository = web.dataSource.getRepository(PostVariantEntity);
    const variant = await variantOf(launch);
    await repository.update(
      { id: variant.id },
      {
        state: 'published',
        remoteUrl: 'https://sandbox.example/acme/42',
        publishedAt: new Date('2030-01-09T09:15:03Z'),
      },
    );
    const published = await get(`/posts/${launch}`, 'cleo');
    expect(published.text).toContain('<a href="https://sandbox.example/acme/42" rel="noopener noreferrer">');
    expect(published.text).toContain('Published');
    await repository.update(
      { id: variant.id },
      { state: 'failed', remoteUrl: null, lastError: 'the network refused the post: <b>duplicate</b>' },
    );
    const failed = await get(`/posts/${launch}`, 'cleo');
    expect(failed.text).toContain('Why it failed:');
    expect(failed.text).toContain('the network refused the post: &lt;b&gt;duplicate&lt;/b&gt;');
    expect(failed.text).toMatch(/<span class="badge badge-danger">Failed<\/span>/);
    await repository.update(
      { id: variant.id },
      { state: variant.state, lastError: null, remoteUrl: null, publishedAt: null },
    );
  });

  it('shows the approval chain and the audit trail after an approval through the API', async () => {
    const before = await get(`/posts/${launch}`, 'cleo');
    expect(before.text).toContain('Waits on Theo Writer.');
    expect(before.text).toMatch(/Current step · Waiting/);
    const theo = await token('theo-laptop', { person: 'theo', scopes: ['approvals:write'] });
    await request(web.server)
      .post(`/api/v1/posts/${launch}/decisions`)
      .set(theo)
      .send({ decision: 'approve' })
      .expect(201);
    const approved = await get(`/posts/${launch}`, 'cleo');
    expect(approved.text).toContain('Theo Writer approved');
    expect(approved.text).toContain('Waits on Maya Admin.');
    expect(approved.text).toMatch(
      /<h3>sign-off <span class="badge badge-info">Current step · Waiting<\/span>/,
    );
    const ops = await token('ops', { service: 'ops', admin: true, scopes: ['approvals:write'] });
    await request(web.server)
      .post(`/api/v1/posts/${launch}/decisions`)
      .set(ops)
      .send({ decision: 'request_changes', comment: 'Say <em>which</em> roast', onBehalfOf: 'maya' })
      .expect(201);

    const page = await get(`/posts/${launch}`, 'cleo');
    // Changes were asked for: the post is a draft again, the decisions stay on the page.
    expect(page.text).toMatch(/<span class="badge">Draft<\/span>/);
    expect(page.text).toContain('No approval step is open: the post is Draft.');
    expect(page.text).toContain('Earlier decisions');
    expect(page.text).toMatch(/<strong>copy review<\/strong> \(Approved, then the chain stopped\)/);
    expect(page.text).toContain('Theo Writer approved');
    expect(page.text).toMatch(/<strong>sign-off<\/strong> \(Changes requested\)/);
    expect(page.text).toContain('Maya Admin asked for changes');
    expect(page.text).toContain('Say &lt;em&gt;which&lt;/em&gt; roast');

    const rows = [
      ...page.text.matchAll(
        /<tr><td><time datetime="([^"]+)">[^<]*<\/time><\/td><td>([^<]*)<\/td><td><span class="user-text" dir="auto">([^<]*)<\/span><\/td><\/tr>/g,
      ),
    ].map((m) => ({ at: m[1], who: m[2], what: m[3] }));
    // Newest first.
    expect(rows.map((r) => r.at)).toEqual([...rows.map((r) => r.at)].sort().reverse());
    const whats = rows.map((r) => `${r.who} | ${r.what}`);
    expect(whats).toEqual(
      expect.arrayContaining([
        'Theo Writer, through the API | Approved at “copy review”',
        expect.stringMatching(
          /^service:ops on behalf of Maya Admin, through the API \| Asked for changes at “sign-off”: Say &lt;em&gt;which&lt;\/em&gt; roast$/,
        ),
        expect.stringMatching(
          /^service:ops on behalf of Maya Admin, through the API \| Moved the post from In review to Draft: changes requested by maya/,
        ),
        'plan-sync (Metronome) | Moved the post from Draft to In review',
        'plan-sync (Metronome) | Imported the post from launch.md',
      ]),
    );
    expect(whats.indexOf('plan-sync (Metronome) | Imported the post from launch.md')).toBe(whats.length - 1);
  });

  it('renders a hostile caption escaped, without its bidi control, and counts it over the limit', async () => {
    const page = await get(`/posts/${hostile}`, 'rosa');
    expect(page.text).not.toContain('<script>alert(1)</script>');
    expect(page.text).not.toContain('\u202E');
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(page.text).toContain('<h1>&lt;script&gt;alert(1)&lt;/script&gt;gnp.exe</h1>');
    expect(page.text).toContain(`&lt;script&gt;alert(1)&lt;/script&gt;gnp.exe ${'x'.repeat(10_000)}`);
    const length = [...new Intl.Segmenter().segment(HOSTILE)].length;
    expect(length).toBeGreaterThan(10_000);
    expect(page.text).toContain(`${length.toLocaleString('en-GB')} / 500 characters`);
    expect(page.text).toContain('Over the limit');
    expect(page.text).toContain(
      `The text is ${length.toLocaleString('en-GB')} characters, over the limit of 500 characters by ${(length - 500).toLocaleString('en-GB')}.`,
    );
    expect(page.text).not.toMatch(/\son[a-z]+=/);
    expect(page.text).not.toMatch(/\sstyle=/);
  });
});

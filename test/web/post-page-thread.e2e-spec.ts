import request from 'supertest';
import { splitThread as blueskySplit, TEXT_LIMITS } from '../../plugins/bluesky/bluesky-text';
import { PostEntity } from '../../src/content/post.entity';
import { PostVariantEntity } from '../../src/publishing/post-variant.entity';
import { previewHtml } from '../../src/web/post/post-preview';
import { post } from '../content/content-workspace';
import { startWebApp, WEB_YAML, type WebApp } from './web-app.fixture';

/** acme also on Bluesky (300 graphemes, 3,000 bytes, threads): the page splits a thread as the connector does. */
const YAML = WEB_YAML.replace(
  '        approval: standard\n',
  '        approval: standard\n      bsky: { connector: bluesky, options: { identifier: acme.bsky.social, appPassword: abcd-efgh-ijkl-mnop } }\n',
);

const LONG = Array.from(
  { length: 14 },
  (_, i) => `Day ${i + 1} of the winter roast: we taste, we adjust, we write it down for @maya and #coffee.`,
).join(' ');

describe('web app: the post page shows a thread as the connector will publish it', () => {
  let web: WebApp;

  beforeAll(async () => {
    web = await startWebApp({
      yaml: YAML,
      files: {
        'thread.md': post(
          'title: Thread\npublish: 2030-01-09 09:15\nchannels: [bsky, social]\noverrides:\n  bsky: { extra: { thread: true } }\n  social: { text: Short for the sandbox }',
          LONG,
        ),
      },
    });
  });

  afterAll(async () => {
    await web?.close();
  });

  it('each part is the Bluesky connector’s own split, counted against Bluesky’s declared limits', async () => {
    const id = (await web.dataSource.getRepository(PostEntity).findOneByOrFail({ sourcePath: 'thread.md' }))
      .id;
    const variants = await web.dataSource.getRepository(PostVariantEntity).findBy({ postId: id });
    expect(variants).toHaveLength(2);
    const { cookie } = await web.signIn('cleo');
    const page = await request(web.server).get(`/posts/${id}`).set('Cookie', cookie).expect(200);
    const parts = blueskySplit(LONG);
    expect(parts.length).toBeGreaterThan(1);
    expect(page.text).toContain(`Published as a thread: ${parts.length} parts (at most`);
    for (const [index, part] of parts.entries()) {
      expect(page.text).toContain(
        `<div class="post-preview user-text" dir="auto">${previewHtml(part).toHTML()}</div>`,
      );
      const length = [...new Intl.Segmenter().segment(part)].length;
      expect(page.text).toContain(
        `Part ${index + 1}: ${length} / ${TEXT_LIMITS.graphemes} characters · ${Buffer.byteLength(part)} / 3,000 bytes (UTF-8)`,
      );
    }
    // The whole text is over one post's limit, which is why it is a thread; no part is.
    expect(page.text).toContain(
      `Whole text: ${[...new Intl.Segmenter().segment(LONG)].length.toLocaleString('en-GB')} / 300 characters`,
    );
    expect(page.text).not.toContain('Over the limit');
    // The sandbox channel gets its override, not the body.
    expect(page.text).toContain('Short for the sandbox');
    expect(page.text).toContain('21 / 500 characters');
  });
});

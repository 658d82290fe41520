import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import puppeteer, { type Browser } from 'puppeteer-core';
import { PostEntity } from '../../src/content/post.entity';
import { PostVariantEntity } from '../../src/publishing/post-variant.entity';
import { post } from '../content/content-workspace';
import { startWebApp, type WebApp } from './web-app.fixture';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** The post page in a real browser (its CSS loaded) under axe-core: no accessibility violation. */
describe('web app: the post page is accessible (axe-core)', () => {
  let web: WebApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    web = await startWebApp({
      files: {
        'launch.md': post(
          'title: Launch\npublish: 2030-01-09 09:15\ncampaign: winter\ntheme: brewing',
          'New roast with @maya! Read https://acme.example/winter. #coffee',
        ),
      },
    });
    const server = web.server as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it('has no axe-core violations (WCAG 2.1 AA) for an editor', async () => {
    const id = (await web.dataSource.getRepository(PostEntity).findOneByOrFail({ sourcePath: 'launch.md' }))
      .id;
    const { cookie } = await web.signIn('ed');
    const [name, value] = cookie.split('=');
    const page = await browser.newPage();
    // axe is injected as a script, which the page's CSP (rightly) refuses.
    await page.setBypassCSP(true);
    await page.setCookie({ name, value: value ?? '', url: base });
    const answer = await page.goto(`${base}/posts/${id}`);
    expect(answer?.status()).toBe(200);
    expect(await page.title()).toContain('Launch');
    const audit = async () => {
      await page.addScriptTag({ content: readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8') });
      const violations = (await page.evaluate(async () => {
        const axe = (
          globalThis as unknown as { axe: { run: (options: object) => Promise<{ violations: unknown[] }> } }
        ).axe;
        const result = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa'] } });
        return result.violations;
      })) as AxeViolation[];
      return violations.map(
        (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      );
    };
    expect(await audit()).toEqual([]);
    // A failed variant (its error shown), a decision with a comment, an earlier round.
    await web.workspace.approvals.decide({ postId: id, person: 'theo', decision: 'approve' });
    await web.workspace.approvals.decide({
      postId: id,
      person: 'maya',
      decision: 'reject',
      comment: 'Not this week',
    });
    await web.dataSource
      .getRepository(PostVariantEntity)
      .update({ postId: id }, { state: 'failed', lastError: 'the network refused the post' });
    await page.goto(`${base}/posts/${id}`);
    expect(await page.content()).toContain('Why it failed:');
    expect(await page.content()).toContain('Earlier decisions');
    expect(await audit()).toEqual([]);
  }, 60_000);
});

import puppeteer, { type Browser } from 'puppeteer-core';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { post } from '../content/content-workspace';
import { postIds } from './approval-fixtures';
import { startWebApp, type WebApp } from './web-app.fixture';

/** In Chromium: the per-row buttons (outside their form, by form=) decide through htmx and swap the row. */
describe('web app: Approvals in a browser', () => {
  let web: WebApp;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    web = await startWebApp({
      files: {
        'alpha.md': post('title: Alpha\npublish: 2030-01-09 09:15'),
        'bravo.md': post('title: Bravo\npublish: 2030-01-10 09:15'),
        'charlie.md': post('title: Charlie\npublish: 2030-01-11 09:15'),
      },
    });
    const server = web.server as Server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await web.close();
  });

  it('approves one row with htmx, then the selected rest with "Approve selected"', async () => {
    const ids = await postIds(web.dataSource);
    const theo = await web.signIn('theo');
    const [name, value] = theo.cookie.split('=');
    const page = await browser.newPage();
    await page.setCookie({ name, value, url: base });
    await page.goto(`${base}/approvals`);
    // Strings run in the page (this project's TypeScript has no DOM types).
    await page.waitForFunction("'htmx' in window");
    await page.click(`#row-${ids.Alpha} button[value="approve"]`);
    await page.waitForFunction(
      `document.querySelector('#row-${ids.Alpha}')?.textContent?.includes('Approved at')`,
    );
    // Without a comment, "Reject" is refused and the reason shows in the flash region.
    await page.click(`#row-${ids.Bravo} button[value="reject"]`);
    await page.waitForFunction(`document.querySelector('#flash')?.textContent?.includes('needs a comment')`);
    await page.click('#select-all');
    await page.click('#bulk-approve button[type="submit"]:not([form])');
    await page.waitForFunction(
      `document.querySelector('#approvals-list')?.textContent?.includes('Approve selected:')`,
    );
    const text = String(await page.evaluate("document.querySelector('#approvals-list').textContent"));
    expect(text).toMatch(/Done\s+Bravo/);
    expect(text).toMatch(/Done\s+Charlie/);
    expect(text).toContain('Nothing waits on you');
  }, 60_000);
});

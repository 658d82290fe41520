import type { Browser, HTTPRequest, Page } from 'puppeteer-core';
import type { ManagedBrowser } from './browser.pool';

/** A fresh page in the default context with JavaScript off and every request but `data:` aborted. */
export interface IsolatedPage {
  page: Page;
  /** Requests this page tried to make and was refused. */
  blockedRequests: string[];
}

export async function openIsolatedPage(browser: Browser): Promise<IsolatedPage> {
  const page = await browser.newPage();
  const blockedRequests: string[] = [];
  try {
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
  } catch (error) {
    await page.close().catch(() => undefined);
    throw error;
  }
  page.on('request', (request) => void refuseNetwork(request, blockedRequests));
  return { page, blockedRequests };
}

async function refuseNetwork(request: HTTPRequest, blocked: string[]): Promise<void> {
  if (request.isInterceptResolutionHandled()) {
    return;
  }
  const url = request.url();
  if (url.startsWith('data:')) {
    await request.continue().catch(() => undefined);
    return;
  }
  blocked.push(url.length > 200 ? `${url.slice(0, 200)}…` : url);
  await request.abort('blockedbyclient').catch(() => undefined);
}

/**
 * One isolated page opened ahead of time. Opening a page costs ~100 ms of Chromium work; done right after a
 * render finishes, it overlaps with the Node side of the next report (database, charts, template) instead of
 * sitting on its critical path or competing with its layout. Every report still gets a page nobody used.
 */
export class SparePage {
  private spare: { managed: ManagedBrowser; ready: Promise<IsolatedPage> } | undefined;

  /** The spare if it belongs to this browser, otherwise a page opened now. */
  take(managed: ManagedBrowser): Promise<IsolatedPage> {
    const spare = this.spare;
    this.spare = undefined;
    if (spare && spare.managed === managed && !managed.dead) {
      // A spare that failed to open (its browser was closing) is no reason to fail the report.
      return spare.ready.catch(() => openIsolatedPage(managed.browser));
    }
    if (spare && !spare.managed.dead) {
      void spare.ready.then(({ page }) => page.close()).catch(() => undefined);
    }
    return openIsolatedPage(managed.browser);
  }

  /** Opens the next report's page, unless one is already waiting or the browser is on its way out. */
  refill(managed: ManagedBrowser): void {
    if (this.spare || managed.dead || managed.retiring) {
      return;
    }
    const ready = openIsolatedPage(managed.browser);
    ready.catch(() => undefined);
    this.spare = { managed, ready };
  }
}

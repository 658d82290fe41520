import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import type { Page } from 'puppeteer-core';
import { BrowserPool, type BrowserLease } from './browser.pool';
import { SparePage, type IsolatedPage } from './isolated-page';
import { UnavailableError } from '../errors/domain.error';

export const PDF_RENDERER_OPTIONS = Symbol('PDF_RENDERER_OPTIONS');

export interface PdfRendererOptions {
  /** Per-render budget from page creation to PDF bytes; past it the watchdog kills the browser. Default 30 s. */
  timeoutMs?: number;
}

export interface PdfResult {
  bytes: Uint8Array;
  /** Requests the page tried to make and was refused (anything that is not a data: URL). */
  blockedRequests: string[];
}

export class RenderTimeoutError extends UnavailableError {}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * HTML → PDF in the shared Chromium. Each report gets a fresh page with JavaScript off and every request
 * that is not `data:` aborted, so a template or a hostile caption cannot run code or reach the network
 * (the CSP meta tag in the document is the second line of defence). A render that overruns its budget
 * has its browser killed and replaced, because a hung renderer cannot be trusted to recover.
 */
@Injectable()
export class PdfRenderer {
  private readonly logger = new Logger('PdfRenderer');
  private readonly spare = new SparePage();

  constructor(
    private readonly pool: BrowserPool,
    @Optional() @Inject(PDF_RENDERER_OPTIONS) private readonly options: PdfRendererOptions = {},
  ) {}

  async render(html: string, options: PdfRendererOptions = {}): Promise<PdfResult> {
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    try {
      return await this.attempt(html, timeoutMs);
    } catch (error) {
      // A browser that died under this render for someone else's reason (a watchdog kill, a crash) gets one retry.
      if (error instanceof BrowserGoneError) {
        this.logger.warn(`Chromium went away during a render (${error.message}); retrying once`);
        return this.attempt(html, timeoutMs);
      }
      throw error;
    }
  }

  private async attempt(html: string, timeoutMs: number): Promise<PdfResult> {
    const lease = await this.pool.acquire();
    let page: Page | undefined;
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const watchdog = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        this.pool.kill(lease.managed, `a report render exceeded ${timeoutMs} ms`);
        reject(
          new RenderTimeoutError(
            `rendering the PDF took longer than ${timeoutMs} ms; Chromium was restarted`,
          ),
        );
      }, timeoutMs);
    });
    const work = (async () => {
      const isolated: IsolatedPage = await this.spare.take(lease.managed);
      page = isolated.page;
      // Puppeteer's own timeouts are off (0): the watchdog is the one budget, and it also kills the browser.
      await page.setContent(html, { waitUntil: 'load', timeout: 0 });
      const bytes = await page.pdf({
        format: 'A4',
        printBackground: true,
        preferCSSPageSize: true,
        timeout: 0,
      });
      this.spare.refill(lease.managed);
      return { bytes, blockedRequests: isolated.blockedRequests };
    })();
    try {
      return await Promise.race([work, watchdog]);
    } catch (error) {
      if (!timedOut && lease.managed.dead) {
        throw new BrowserGoneError((error as Error).message);
      }
      throw error;
    } finally {
      clearTimeout(timer);
      work.catch(() => undefined);
      watchdog.catch(() => undefined);
      this.finish(lease, page, timedOut);
    }
  }

  /** Closing the page is off the caller's path; the lease is released once it is closed. */
  private finish(lease: BrowserLease, page: Page | undefined, browserKilled: boolean): void {
    if (!page || browserKilled || lease.managed.dead) {
      lease.release();
      return;
    }
    page
      .close()
      .catch(() => undefined)
      .finally(() => lease.release());
  }
}

class BrowserGoneError extends Error {
  override name = 'BrowserGoneError';
}

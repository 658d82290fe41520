import { Inject, Injectable, Logger, Optional, type OnApplicationShutdown } from '@nestjs/common';
import puppeteer, { type Browser } from 'puppeteer-core';
import {
  ChromiumSandboxError,
  launchChromium,
  sandboxModeFrom,
  type ChromiumSandboxMode,
} from './chromium-launch';

export const BROWSER_POOL_OPTIONS = Symbol('BROWSER_POOL_OPTIONS');

export interface BrowserPoolOptions {
  /** Default: METRONOME_CHROMIUM_PATH, else /usr/bin/chromium (Debian's package; Puppeteer never downloads one). */
  executablePath?: string;
  /** Chromium grows with every page it has rendered; a fresh one after this many reports. Default 200. */
  maxRendersPerBrowser?: number;
  /** Upper bound for any single DevTools call, so a wedged browser cannot hang a caller forever. */
  protocolTimeoutMs?: number;
  /** Default: METRONOME_CHROMIUM_SANDBOX, else auto (the sandbox wherever the host allows it). */
  sandbox?: ChromiumSandboxMode;
}

const DEFAULT_MAX_RENDERS = 200;
const DEFAULT_PROTOCOL_TIMEOUT_MS = 60_000;
const CLOSE_TIMEOUT_MS = 5_000;

/** One launched Chromium and what the pool knows about it. */
export interface ManagedBrowser {
  readonly browser: Browser;
  readonly pid: number | undefined;
  readonly generation: number;
  renders: number;
  active: number;
  /** No new renders; closed once the last active one releases it. */
  retiring: boolean;
  dead: boolean;
}

export interface BrowserLease {
  readonly managed: ManagedBrowser;
  release(): void;
}

/**
 * One long-lived Chromium per process, shared by every render. Launching costs ~0.5 s, so it is reused;
 * it is replaced after N renders, when it dies, or when a watchdog kills it for hanging.
 */
@Injectable()
export class BrowserPool implements OnApplicationShutdown {
  private readonly logger = new Logger('BrowserPool');
  private current: ManagedBrowser | undefined;
  private launching: Promise<ManagedBrowser> | undefined;
  private readonly all = new Set<ManagedBrowser>();
  private closed = false;
  private generations = 0;
  private sandboxState: boolean | undefined;
  private toldWithoutSandbox = false;

  constructor(@Optional() @Inject(BROWSER_POOL_OPTIONS) private readonly options: BrowserPoolOptions = {}) {}

  /** How many browsers this pool has launched: 1 while the first one is being reused. */
  get launches(): number {
    return this.generations;
  }

  /** Whether the last Chromium started with its sandbox; undefined before the first launch. */
  get sandboxed(): boolean | undefined {
    return this.sandboxState;
  }

  /** The pid of the browser new renders go to, if one is running. */
  get pid(): number | undefined {
    return this.current && !this.current.dead ? this.current.pid : undefined;
  }

  async acquire(): Promise<BrowserLease> {
    for (;;) {
      if (this.closed) {
        throw new Error('the browser pool is closed: Metronome is shutting down');
      }
      const managed = await this.usable();
      // Another caller may have retired or lost it while this one awaited the launch.
      if (managed.dead || managed.retiring) {
        continue;
      }
      managed.renders++;
      managed.active++;
      if (managed.renders >= (this.options.maxRendersPerBrowser ?? DEFAULT_MAX_RENDERS)) {
        this.retire(managed);
      }
      let released = false;
      return {
        managed,
        release: () => {
          if (!released) {
            released = true;
            managed.active--;
            this.closeIfIdle(managed);
          }
        },
      };
    }
  }

  /** The watchdog's last resort for a hung render: SIGKILL the whole browser and start a new one. */
  kill(managed: ManagedBrowser, reason: string): void {
    if (managed.dead) {
      return;
    }
    this.logger.warn(
      `killing Chromium pid ${managed.pid ?? '?'} (generation ${managed.generation}): ${reason}`,
    );
    this.markDead(managed);
    managed.browser.process()?.kill('SIGKILL');
    if (!this.closed) {
      this.usable().catch((error: unknown) =>
        this.logger.error(`relaunching Chromium failed: ${(error as Error).message}`),
      );
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.launching?.catch(() => undefined);
    await Promise.all([...this.all].map((managed) => this.shutdown(managed)));
    this.current = undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private async usable(): Promise<ManagedBrowser> {
    const current = this.current;
    if (current && !current.dead && !current.retiring && current.browser.connected) {
      return current;
    }
    this.launching ??= this.launch().finally(() => {
      this.launching = undefined;
    });
    return this.launching;
  }

  private async launch(): Promise<ManagedBrowser> {
    const executablePath =
      this.options.executablePath ?? process.env.METRONOME_CHROMIUM_PATH ?? '/usr/bin/chromium';
    let browser: Browser;
    try {
      const launched = await launchChromium(
        (args) =>
          puppeteer.launch({
            executablePath,
            pipe: true,
            headless: true,
            args,
            protocolTimeout: this.options.protocolTimeoutMs ?? DEFAULT_PROTOCOL_TIMEOUT_MS,
            // The pool decides when Chromium stops; signal handlers would race Nest's shutdown.
            handleSIGINT: false,
            handleSIGTERM: false,
            handleSIGHUP: false,
          }),
        this.options.sandbox ?? sandboxModeFrom(process.env),
        typeof process.getuid === 'function' ? process.getuid() : undefined,
      );
      browser = launched.browser;
      this.sandboxState = launched.sandboxed;
      if (launched.withoutSandbox && !this.toldWithoutSandbox) {
        this.toldWithoutSandbox = true;
        this.logger.warn(`Chromium runs without its sandbox: ${launched.withoutSandbox}`);
      }
    } catch (error) {
      if (error instanceof ChromiumSandboxError) {
        throw error;
      }
      throw new Error(
        `cannot launch Chromium at ${executablePath}: ${(error as Error).message.split('\n')[0]} ` +
          '(install Debian’s chromium package or set METRONOME_CHROMIUM_PATH)',
      );
    }
    const managed: ManagedBrowser = {
      browser,
      pid: browser.process()?.pid,
      generation: ++this.generations,
      renders: 0,
      active: 0,
      retiring: false,
      dead: false,
    };
    browser.on('disconnected', () => {
      if (!managed.dead && !managed.retiring && !this.closed) {
        this.logger.warn(`Chromium pid ${managed.pid ?? '?'} disconnected; the next render starts a new one`);
      }
      this.markDead(managed);
    });
    this.all.add(managed);
    if (this.closed) {
      await this.shutdown(managed);
      throw new Error('the browser pool closed while Chromium was starting');
    }
    this.current = managed;
    return managed;
  }

  private retire(managed: ManagedBrowser): void {
    managed.retiring = true;
    if (this.current === managed) {
      this.current = undefined;
    }
    this.closeIfIdle(managed);
  }

  private closeIfIdle(managed: ManagedBrowser): void {
    if (managed.retiring && managed.active === 0 && !managed.dead) {
      void this.shutdown(managed);
    }
  }

  private markDead(managed: ManagedBrowser): void {
    managed.dead = true;
    this.all.delete(managed);
    if (this.current === managed) {
      this.current = undefined;
    }
  }

  /** A graceful close, bounded: a wedged Chromium is killed rather than waited for. */
  private async shutdown(managed: ManagedBrowser): Promise<void> {
    this.markDead(managed);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), CLOSE_TIMEOUT_MS);
    });
    try {
      const outcome = await Promise.race([managed.browser.close().then(() => 'closed' as const), deadline]);
      if (outcome === 'timeout') {
        managed.browser.process()?.kill('SIGKILL');
      }
    } catch {
      // Already gone: make sure no orphan keeps running.
      managed.browser.process()?.kill('SIGKILL');
    } finally {
      clearTimeout(timer);
    }
  }
}

import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { SignInLinks } from '../../../src/web/sign-in/sign-in-links';
import { startWebApp, type WebApp } from '../web-app.fixture';

/**
 * The browser harness of the web app's suites: Debian's Chromium driven by puppeteer-core against the api
 * role listening on a real loopback port, sign-in through a real link, screenshots, axe-core and keyboard
 * reach. Puppeteer never downloads a browser (PUPPETEER_SKIP_DOWNLOAD); the suites need /usr/bin/chromium.
 */

export const CHROMIUM_PATH = process.env.METRONOME_CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where screenshots go: test-artifacts/web at the repository's root (kept by CI, ignored by git). */
export const ARTIFACTS_DIR = resolve(__dirname, '..', '..', '..', 'test-artifacts', 'web');

/**
 * Whether the browser suites run. Without Chromium they are skipped, saying why, on a developer's machine
 * only: under CI (CI=true, .ci/run installs chromium) or with METRONOME_REQUIRE_BROWSER=1 a missing Chromium
 * runs the suites anyway, so they fail at launch instead of passing by being skipped. When the file is there
 * the suites always run; a Chromium that fails to start fails them.
 */
export const browserAvailable =
  existsSync(CHROMIUM_PATH) || process.env.CI === 'true' || process.env.METRONOME_REQUIRE_BROWSER === '1';

/** `describe` when Chromium is there, else `describe.skip` with the reason printed once. */
export function describeInBrowser(name: string, suite: () => void): void {
  if (browserAvailable) {
    describe(name, suite);
    return;
  }
  console.warn(
    `SKIPPED "${name}": no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set METRONOME_CHROMIUM_PATH; ` +
      'CI=true or METRONOME_REQUIRE_BROWSER=1 turns this skip into a failure)',
  );
  describe.skip(`${name} [skipped: no Chromium at ${CHROMIUM_PATH}]`, suite);
}

/**
 * Chromium for tests. Headless; `--no-sandbox` only when running as root (Chromium refuses its sandbox to
 * root; src/reporting/chromium-launch.ts makes the same choice). Unlike the report renderer, no "no network"
 * proxy: these pages must reach the app on 127.0.0.1.
 */
export async function launchTestBrowser(): Promise<Browser> {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  return puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    pipe: true,
    args: [
      ...(root ? ['--no-sandbox'] : []),
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--font-render-hinting=none',
    ],
    defaultViewport: { width: 1280, height: 900 },
    protocolTimeout: 60_000,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
}

export interface BrowserWebApp extends WebApp {
  /** http://127.0.0.1:<port>, the app as the browser reaches it. */
  baseUrl: string;
  browser: Browser;
  /** A new page in its own browser context (no cookies shared with other pages), watched for CSP errors. */
  newPage(): Promise<WatchedPage>;
}

export interface WatchedPage {
  page: Page;
  /** Console errors, uncaught page errors and `securitypolicyviolation` events since the page opened. */
  problems: string[];
}

/** startWebApp() (same options), listening on 127.0.0.1 on a free port, and a Chromium. */
export async function startBrowserWebApp(
  options: Parameters<typeof startWebApp>[0] = {},
): Promise<BrowserWebApp> {
  const web = await startWebApp(options);
  let browser: Browser | undefined;
  try {
    await web.app.listen(0, '127.0.0.1');
    const { port } = (web.server as { address(): AddressInfo }).address();
    browser = await launchTestBrowser();
    const launched = browser;
    return {
      ...web,
      baseUrl: `http://127.0.0.1:${port}`,
      browser: launched,
      async newPage() {
        const context = await launched.createBrowserContext();
        const page = await context.newPage();
        return { page, problems: await watchProblems(page) };
      },
      async close() {
        await launched.close().catch(() => undefined);
        await web.close();
      },
    };
  } catch (error) {
    await browser?.close().catch(() => undefined);
    await web.close();
    throw error;
  }
}

/**
 * Collects what a strict CSP and broken pages say: console errors (Chromium reports a refused script or
 * style there too), uncaught exceptions, dialogs (an injected alert), and `securitypolicyviolation` events, which a listener added
 * before any page script (Page.addScriptToEvaluateOnNewDocument, not subject to the page's CSP) turns
 * into console errors.
 */
async function watchProblems(page: Page): Promise<string[]> {
  const problems: string[] = [];
  await page.evaluateOnNewDocument(`document.addEventListener('securitypolicyviolation', function (event) {
    console.error('securitypolicyviolation: ' + event.violatedDirective + ' blocked ' + (event.blockedURI || 'inline') +
      ' at ' + event.sourceFile + ':' + event.lineNumber);
  });`);
  page.on('console', (message) => {
    if (message.type() === 'error') {
      problems.push(`console error: ${message.text()} (${message.location().url ?? '?'})`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${String(error)}`));
  // alert()/confirm() from injected markup would show as a dialog: recorded, and dismissed so nothing hangs.
  page.on('dialog', (dialog) => {
    problems.push(`dialog (${dialog.type()}): ${dialog.message()}`);
    void dialog.dismiss().catch(() => undefined);
  });
  return problems;
}

/**
 * Signs `person` in as a person does: a sign-in link (SignInLinks.create, as e-mailed or printed by
 * `metronome people login-link`) opened in the page, then its "Sign in" button clicked. The link names the
 * configured publicUrl; only its path and query are opened, on this app's real port. Returns the URL landed on.
 */
export async function signInInBrowser(
  web: BrowserWebApp,
  page: Page,
  person: string,
  next = '/',
): Promise<URL> {
  const link = new URL(await web.app.get(SignInLinks).create(person, next));
  await page.goto(`${web.baseUrl}${link.pathname}${link.search}`, { waitUntil: 'load' });
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.click('form[action="/sign-in/link"] button[type="submit"]'),
  ]);
  return new URL(page.url());
}

/** A full-page screenshot at test-artifacts/web/<name>.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name.replace(/[^a-zA-Z0-9._-]+/g, '_')}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export interface AxeViolation {
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

let axeSource: string | undefined;

/**
 * Runs axe-core on the page and throws on serious or critical violations, listing rule, impact, target and
 * help; returns every violation (minor and moderate ones included) for the caller to report.
 *
 * How axe gets in despite the CSP (script-src 'self', no inline script): its source is evaluated through
 * the DevTools protocol (page.evaluate of a string, i.e. Runtime.evaluate), which the page's CSP does not
 * govern. page.setBypassCSP(true) was not chosen: it switches the CSP off for the whole page from the next
 * navigation on, and these suites exist to see the page under the real CSP (its violations are failures).
 */
export async function checkAxe(page: Page): Promise<AxeViolation[]> {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const present = await page.evaluate('typeof window.axe === "object"');
  if (!present) {
    await page.evaluate(axeSource);
  }
  const violations = (await page.evaluate(`(async () => {
    const result = await window.axe.run(document, {
      resultTypes: ['violations'],
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({
      rule: v.id,
      impact: v.impact || 'unknown',
      help: v.help + ' (' + v.helpUrl + ')',
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  })()`)) as AxeViolation[];
  const blocking = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (blocking.length > 0) {
    throw new Error(
      `axe-core: ${blocking.length} serious/critical violation(s) on ${page.url()}:\n` +
        blocking
          .map((v) => `- ${v.rule} [${v.impact}] ${v.help}\n    at ${v.targets.slice(0, 5).join(' | ')}`)
          .join('\n'),
    );
  }
  return violations;
}

export interface FocusStop {
  /** A description for messages: tag, id or name, text. */
  label: string;
  inMain: boolean;
}

export interface KeyboardReach {
  /** Every element focus landed on, in Tab order, once each. */
  focused: FocusStop[];
  /** The links, buttons, inputs, selects and textareas in <main> (visible, enabled) that Tab never reached. */
  unreachedInMain: string[];
}

/**
 * Presses Tab from the top of the page until focus comes back round (or leaves the page), recording each
 * element focused; then lists the interactive elements of <main> that were never focused. Elements are
 * numbered first (a data attribute) so a stop is identified exactly, not by its text.
 */
export async function keyboardReach(page: Page, maxPresses = 400): Promise<KeyboardReach> {
  const candidates = (await page.evaluate(`(() => {
    const selector = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"]), summary';
    const all = Array.from(document.querySelectorAll(selector));
    const main = document.querySelector('main');
    return all.map((el, index) => {
      el.setAttribute('data-reach-index', String(index));
      const style = getComputedStyle(el);
      const rect = el.getBoundingClientRect();
      const hidden = (el.tagName === 'INPUT' && el.type === 'hidden') || style.visibility === 'hidden' ||
        style.display === 'none' || (rect.width === 0 && rect.height === 0) || el.closest('[hidden],[inert]') !== null;
      const label = el.tagName.toLowerCase() + (el.id ? '#' + el.id : el.getAttribute('name') ? '[name=' + el.getAttribute('name') + ']' : '') +
        ' "' + (el.textContent || el.getAttribute('aria-label') || el.getAttribute('href') || '').trim().slice(0, 40) + '"';
      // Tab stops at one radio button of a group (arrow keys move within it): the group is what is reached.
      const group = el.tagName === 'INPUT' && el.type === 'radio' ? 'radio:' + el.getAttribute('name') : 'el:' + index;
      return { index, label, group, inMain: !!main && main.contains(el), expected: !hidden && !el.disabled };
    });
  })()`)) as { index: number; label: string; group: string; inMain: boolean; expected: boolean }[];
  await page.evaluate(
    `(() => { if (document.activeElement && document.activeElement.blur) document.activeElement.blur(); window.scrollTo(0, 0); })()`,
  );
  const seen = new Set<number>();
  const focused: FocusStop[] = [];
  let lastIndex = -1;
  for (let press = 0; press < maxPresses; press++) {
    await page.keyboard.press('Tab');
    const index = (await page.evaluate(
      `(() => { const el = document.activeElement; const i = el && el.getAttribute('data-reach-index'); return i === null || i === undefined ? -1 : Number(i); })()`,
    )) as number;
    if (index === -1) {
      // Focus on <body> or an unnumbered element: the end of the page (focus went to the browser's UI).
      if (focused.length > 0) {
        break;
      }
      continue;
    }
    if (seen.has(index)) {
      // Date, time and month inputs take one Tab per part (day, month, year…): still the same element.
      if (index === lastIndex) {
        continue;
      }
      break;
    }
    lastIndex = index;
    seen.add(index);
    const candidate = candidates[index];
    focused.push({ label: candidate.label, inMain: candidate.inMain });
  }
  const reachedGroups = new Set([...seen].map((index) => candidates[index].group));
  const unreachedInMain = candidates
    .filter((c) => c.inMain && c.expected && !reachedGroups.has(c.group))
    .map((c) => c.label);
  return { focused, unreachedInMain };
}

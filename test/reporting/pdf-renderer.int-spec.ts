import { BrowserPool } from '../../src/reporting/browser.pool';
import { PdfRenderer, RenderTimeoutError } from '../../src/reporting/pdf.renderer';

const HTML = '<!doctype html><meta charset="utf-8"><p>Hello report</p>';

function alive(pid: number | undefined): boolean {
  if (pid === undefined) {
    return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) {
      throw new Error('condition not met in time');
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const isPdf = (bytes: Uint8Array) => Buffer.from(bytes.subarray(0, 5)).toString('latin1') === '%PDF-';

describe('PdfRenderer and its browser pool', () => {
  const pools: BrowserPool[] = [];
  const poolWith = (options: ConstructorParameters<typeof BrowserPool>[0] = {}) => {
    const pool = new BrowserPool(options);
    pools.push(pool);
    return pool;
  };

  afterAll(async () => {
    await Promise.all(pools.map((pool) => pool.close()));
  });

  it('renders every report on the same Chromium, concurrently too', async () => {
    const pool = poolWith();
    const renderer = new PdfRenderer(pool);

    const first = await renderer.render(HTML);
    const pid = pool.pid;
    const more = await Promise.all([renderer.render(HTML), renderer.render(HTML), renderer.render(HTML)]);

    expect([first, ...more].every((r) => isPdf(r.bytes))).toBe(true);
    expect(pool.launches).toBe(1);
    expect(pool.pid).toBe(pid);
    expect(alive(pid)).toBe(true);
  });

  it('kills a browser whose render overruns its budget and renders the next report on a new one', async () => {
    const pool = poolWith();
    const renderer = new PdfRenderer(pool);
    await renderer.render(HTML);
    const hungPid = pool.pid;

    await expect(renderer.render(HTML, { timeoutMs: 1 })).rejects.toBeInstanceOf(RenderTimeoutError);

    await waitFor(() => !alive(hungPid));
    const next = await renderer.render(HTML);
    expect(isPdf(next.bytes)).toBe(true);
    expect(pool.launches).toBe(2);
    expect(pool.pid).not.toBe(hungPid);
  });

  it('replaces the browser after the configured number of reports', async () => {
    const pool = poolWith({ maxRendersPerBrowser: 2 });
    const renderer = new PdfRenderer(pool);

    await renderer.render(HTML);
    const firstPid = pool.pid;
    await renderer.render(HTML);
    await renderer.render(HTML);

    expect(pool.launches).toBe(2);
    expect(pool.pid).not.toBe(firstPid);
    await waitFor(() => !alive(firstPid));
  });

  it('starts a new browser when Chromium died between renders', async () => {
    const pool = poolWith();
    const renderer = new PdfRenderer(pool);
    await renderer.render(HTML);
    const deadPid = pool.pid!;

    process.kill(deadPid, 'SIGKILL');
    await waitFor(() => pool.pid === undefined);

    expect(isPdf((await renderer.render(HTML)).bytes)).toBe(true);
    expect(pool.launches).toBe(2);
  });

  it('stops Chromium on close and refuses renders afterwards', async () => {
    const pool = poolWith();
    const renderer = new PdfRenderer(pool);
    await renderer.render(HTML);
    const pid = pool.pid;

    await pool.close();

    expect(alive(pid)).toBe(false);
    await expect(renderer.render(HTML)).rejects.toThrow('the browser pool is closed');
  });

  it('says how to fix a missing Chromium', async () => {
    const renderer = new PdfRenderer(poolWith({ executablePath: '/nonexistent/chromium' }));

    await expect(renderer.render(HTML)).rejects.toThrow(
      /cannot launch Chromium at \/nonexistent\/chromium: .*set METRONOME_CHROMIUM_PATH/,
    );
  });
});

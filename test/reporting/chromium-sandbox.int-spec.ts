import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BrowserPool } from '../../src/reporting/browser.pool';

/** The built pool (npm test builds first), so a process of another user can load it. */
const POOL = join(__dirname, '..', '..', 'dist', 'src', 'reporting', 'browser.pool.js');

/**
 * Launches the pool, prints a page to PDF, and reports what the kernel says about Chromium's renderers
 * (descendants of the browser process): their seccomp mode and whether --no-sandbox was on their command line.
 */
const PROBE = `
const { readFileSync, readdirSync } = require('node:fs');
const { BrowserPool } = require(${JSON.stringify(POOL)});
const children = (pid) => readdirSync('/proc').filter((d) => /^\\d+$/.test(d)).filter((d) => {
  try { return readFileSync('/proc/' + d + '/stat', 'utf8').split(') ')[1].split(' ')[1] === String(pid); } catch { return false; }
});
const descendants = (pid) => children(pid).flatMap((c) => [c, ...descendants(c)]);
(async () => {
  const pool = new BrowserPool();
  const lease = await pool.acquire();
  const page = await lease.managed.browser.newPage();
  await page.setContent('<p>sandboxed?</p>');
  const pdf = await page.pdf();
  const renderers = descendants(lease.managed.pid).map((pid) => {
    // A helper process may end between listing and reading it: skip it.
    let cmdline, status;
    try {
      // Chromium rewrites its children's titles: arguments may be separated by spaces instead of NULs.
      cmdline = readFileSync('/proc/' + pid + '/cmdline', 'utf8').split(/[\\0 ]/);
      status = readFileSync('/proc/' + pid + '/status', 'utf8');
    } catch (e) {
      if (e.code === 'ENOENT' || e.code === 'ESRCH') return { type: 'gone' };
      throw e;
    }
    return { type: (cmdline.find((a) => a.startsWith('--type=')) || '').slice(7), noSandbox: cmdline.includes('--no-sandbox'), seccomp: Number(/Seccomp:\\s+(\\d)/.exec(status)[1]) };
  }).filter((p) => p.type === 'renderer');
  console.log(JSON.stringify({ uid: process.getuid(), sandboxed: pool.sandboxed, pdf: Buffer.from(pdf).subarray(0, 5).toString(), renderers }));
  lease.release();
  await pool.close();
})().catch((e) => { console.error(e); process.exit(1); });
`;

interface Probe {
  uid: number;
  sandboxed: boolean;
  pdf: string;
  renderers: Array<{ type: string; noSandbox: boolean; seccomp: number }>;
}

function probeAs(uid: number | undefined): Probe {
  const command =
    uid === undefined
      ? [process.execPath, '-e', PROBE]
      : ['setpriv', `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', process.execPath, '-e', PROBE];
  const result = spawnSync(command[0], command.slice(1), {
    encoding: 'utf8',
    env: { ...process.env, HOME: '/tmp' },
    timeout: 60_000,
  });
  if (result.status !== 0) {
    throw new Error(`probe failed (${result.status}): ${result.stderr}`);
  }
  return JSON.parse(result.stdout.trim().split('\n').pop()!) as Probe;
}

describe('Chromium runs with its sandbox where the host allows it', () => {
  it('as a user other than root, the renderers run sandboxed (seccomp filter, no --no-sandbox)', () => {
    // The image runs as uid 10001; here any non-root user shows the same (nobody, when the tests run as root).
    const probe = probeAs(process.getuid?.() === 0 ? 65534 : undefined);

    expect(probe.uid).not.toBe(0);
    expect(probe.pdf).toBe('%PDF-');
    expect(probe.sandboxed).toBe(true);
    expect(probe.renderers.length).toBeGreaterThan(0);
    for (const renderer of probe.renderers) {
      expect(renderer).toEqual({ type: 'renderer', noSandbox: false, seccomp: 2 });
    }
  }, 70_000);

  it('as root it cannot, says so, and METRONOME_CHROMIUM_SANDBOX=on refuses to start it', async () => {
    if (process.getuid?.() !== 0) {
      return;
    }
    const pool = new BrowserPool();
    try {
      const lease = await pool.acquire();
      lease.release();
      expect(pool.sandboxed).toBe(false);
    } finally {
      await pool.close();
    }
    const strict = new BrowserPool({ sandbox: 'on' });
    try {
      await expect(strict.acquire()).rejects.toThrow('run Metronome as a non-root user');
    } finally {
      await strict.close();
    }
  }, 70_000);
});

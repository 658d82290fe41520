import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { deriveIncidentLinkKey } from '../../src/escalations/incident-link-secret';
import { IncidentLinkSigner } from '../../src/escalations/incident-link.signer';
import { openDataSource } from '../../src/persistence/data-source.factory';

/** Runs the built server exactly as a user would (npm test builds it first). */
const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');
const SECRET_KEY = 'test-secret-key-0123456789-abcdefghijklmnop';

describe('signed incident links (the real server)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'metronome-links-'));
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite:${join(dir, 'm.db')}`,
    METRONOME_SECRET_KEY: SECRET_KEY,
  };
  let server: ChildProcess;
  let stdout = '';
  let base: string;
  let dataSource: DataSource;
  const signer = new IncidentLinkSigner(deriveIncidentLinkKey(SECRET_KEY), 'http://unused');

  async function openIncident(title: string): Promise<string> {
    const id = `inc-${Math.random().toString(36).slice(2, 10)}`;
    await dataSource.query(
      `INSERT INTO "incidents" ("id", "brand_id", "rule", "subject_key", "dedup_key", "state", "severity", "title", "details", "policy_snapshot", "level", "next_escalation_at", "opened_at") ` +
        `VALUES (?, 'demo', 'rule:test', ?, ?, 'open', 'warning', ?, '{}', '{"levels":[]}', 1, '2099-01-01T00:00:00.000Z', '2026-11-02T09:00:00.000Z')`,
      [id, id, `rule:test|${id}`, title],
    );
    return id;
  }
  const stateOf = async (id: string) =>
    (
      await dataSource.query<Array<{ state: string; by: string | null }>>(
        `SELECT "state", "acknowledged_by" AS "by" FROM "incidents" WHERE "id" = ?`,
        [id],
      )
    )[0];
  const pathOf = (url: string) => url.replace('http://unused', '');

  beforeAll(async () => {
    expect(spawnSync(process.execPath, [CLI, 'migrate'], { env }).status).toBe(0);
    dataSource = await openDataSource(env.DATABASE_URL);
    // What an older version left: its link secret in plain text.
    await dataSource.query(
      `INSERT INTO "plugin_state" ("plugin", "scope", "key", "value", "updated_at") VALUES ('metronome', 'system', 'incident-link-secret', '"plain"', '2026-01-01T00:00:00.000Z')`,
    );
    server = spawn(process.execPath, [CLI, 'start', '--port', '0'], {
      env: { ...env, LOG_LEVEL: 'info', HOST: '127.0.0.1' },
    });
    server.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const deadline = Date.now() + 25_000;
    while (!/Metronome ready: .*http:\/\/localhost:(\d+)/.test(stdout)) {
      if (Date.now() > deadline || server.exitCode !== null) {
        throw new Error(`the server did not start:\n${stdout}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    base = `http://127.0.0.1:${/http:\/\/localhost:(\d+)/.exec(stdout)![1]}`;
  }, 40_000);

  afterAll(async () => {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    await dataSource.destroy();
  });

  it('opening a link (as a mail scanner or unfurler does) shows a page and changes nothing', async () => {
    const id = await openIncident('Channel <b>quiet</b> & "late"');
    const link = signer.link(id, 'ack', new Date());

    // Click tracking appends its own parameters.
    const page = await fetch(`${base}${pathOf(link)}&utm_source=newsletter&utm_medium=email`);

    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).toContain('Acknowledge this incident?');
    expect(html).toContain('Channel &lt;b&gt;quiet&lt;/b&gt; &amp; &quot;late&quot;');
    expect(html).toContain('Demo Coffee Roasters');
    expect(html).toContain('Open: escalating until someone acknowledges it');
    expect(html).toContain('<form method="post" action="ack/confirm">');
    expect(html).not.toMatch(/<script/i);
    expect(await stateOf(id)).toEqual({ state: 'open', by: null });
  });

  it('the page’s button acknowledges; the link then shows that and offers nothing more', async () => {
    const id = await openIncident('Approval overdue');
    const token = new URL(signer.link(id, 'ack', new Date())).searchParams.get('token')!;

    const done = await fetch(`${base}/api/v1/incidents/${id}/ack/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
    });

    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Incident acknowledged');
    expect(await stateOf(id)).toEqual({ state: 'acknowledged', by: 'signed link' });
    const again = await (await fetch(`${base}/api/v1/incidents/${id}/ack?token=${token}`)).text();
    expect(again).toContain('Acknowledged by signed link');
    expect(again).not.toContain('<form');
  });

  it('refuses expired, over-long and forged links with a page that says what to do', async () => {
    const id = await openIncident('Old news');
    const expired = signer.link(id, 'resolve', new Date(Date.now() - 8 * 86_400_000));
    const page = await fetch(`${base}${pathOf(expired)}`);
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('This link has expired');

    // Validly signed, but valid for longer than links may live.
    const forever = new IncidentLinkSigner(
      deriveIncidentLinkKey(SECRET_KEY),
      'http://unused',
      365 * 86_400_000,
    );
    (forever as unknown as { lifetimeMs: number }).lifetimeMs = 365 * 86_400_000;
    expect((await fetch(`${base}${pathOf(forever.link(id, 'resolve', new Date()))}`)).status).toBe(403);

    const forged = await fetch(`${base}/api/v1/incidents/${id}/resolve/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'token=9999999999.forged',
    });
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('This link is not valid');
    expect((await stateOf(id)).state).toBe('open');
  });

  it('keeps link tokens out of the request log and the link secret out of the database', async () => {
    const id = await openIncident('Logged');
    const link = signer.link(id, 'resolve', new Date());
    const signature = new URL(link).searchParams.get('token')!.split('.')[1];
    await (await fetch(`${base}${pathOf(link)}`)).text();
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(stdout).toContain(`/api/v1/incidents/${id}/resolve?token=[redacted]`);
    expect(stdout).not.toContain(signature);
    expect(await dataSource.query(`SELECT * FROM "plugin_state" WHERE "key" LIKE '%link%'`)).toEqual([]);
  });
});

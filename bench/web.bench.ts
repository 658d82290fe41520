/**
 * bench:web — the web app's server time on a busy brand: acme with 5,000 posts over a year (content files,
 * imported by plan sync), the api role on SQLite, one signed-in session (maya, admin and owner of acme), on a
 * real loopback port (HTTP keep-alive):
 *   - calendarP95Ms: GET /brands/acme/calendar?view=month&date=… cycling through the year's twelve months
 *   - approvalsP95Ms: GET /approvals (every post waits on its approval steps)
 *     each BENCH_REQUESTS (200) requests after BENCH_WARMUP (20) warm-up ones, p50 and p95 of the time from
 *     sending the request to the last byte of the answer (loopback: that is the server's time);
 *   - pageKb: the weight of the calendar month page: HTML plus every style sheet and script it references
 *     (no images), in KiB.
 * A route answering 404 (its screen not in this build) is reported as null, and said so. The last line is JSON.
 * Runs from dist: `npm run bench:web`.
 */
import type { AddressInfo } from 'node:net';
import { PostEntity } from '../src/content/post.entity';
import { post } from '../test/content/content-workspace';
import { startWebApp } from '../test/web/web-app.fixture';

const POSTS = Number(process.env.BENCH_POSTS ?? 5_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 200);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20);
const YEAR = 2031;

interface Timing {
  p50Ms: number;
  p95Ms: number;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** 5,000 post files spread evenly over the year, at 09:00–17:45 local time. */
function postFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  const start = Date.UTC(YEAR, 0, 1);
  const step = (365 * 24 * 3600 * 1000) / POSTS;
  for (let i = 0; i < POSTS; i++) {
    const day = new Date(start + i * step).toISOString().slice(0, 10);
    const hour = String(9 + (i % 9)).padStart(2, '0');
    const minute = String((i % 4) * 15).padStart(2, '0');
    files[`${day.slice(0, 7)}/post-${String(i).padStart(5, '0')}.md`] = post(
      `title: Bench post ${i}\npublish: ${day} ${hour}:${minute}\ncampaign: winter\ntheme: ${i % 2 ? 'brewing' : 'roastery'}`,
      `Bench post ${i}: fresh beans, roasted on Tuesday. #coffee`,
    );
  }
  return files;
}

async function main(): Promise<void> {
  // SQLite, whatever the environment says about test databases.
  delete process.env.METRONOME_TEST_DATABASE_URL;
  const setupStarted = performance.now();
  const web = await startWebApp({ files: postFiles() });
  const imported = await web.dataSource.getRepository(PostEntity).countBy({ brandId: 'acme' });
  const setupS = round((performance.now() - setupStarted) / 1000);
  await web.app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(web.server as { address(): AddressInfo }).address().port}`;
  const { cookie } = await web.signIn('maya');
  const get = async (path: string) => {
    const answer = await fetch(`${base}${path}`, { headers: { cookie }, redirect: 'manual' });
    return { status: answer.status, body: Buffer.from(await answer.arrayBuffer()) };
  };

  /** null when the route is not in this build (404 on the first request). */
  const measure = async (paths: string[]): Promise<Timing | null> => {
    const first = await get(paths[0]);
    if (first.status === 404) {
      return null;
    }
    if (first.status !== 200) {
      throw new Error(`${paths[0]} answered ${first.status}`);
    }
    for (let i = 0; i < WARMUP; i++) {
      await get(paths[i % paths.length]);
    }
    const times: number[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const started = performance.now();
      const answer = await get(paths[i % paths.length]);
      times.push(performance.now() - started);
      if (answer.status !== 200) {
        throw new Error(`${paths[i % paths.length]} answered ${answer.status}`);
      }
    }
    times.sort((a, b) => a - b);
    return { p50Ms: round(percentile(times, 50)), p95Ms: round(percentile(times, 95)) };
  };

  /** HTML + referenced style sheets and scripts, KiB; null when the page is not in this build. */
  const pageWeight = async (path: string): Promise<number | null> => {
    const page = await get(path);
    if (page.status === 404) {
      return null;
    }
    const html = page.body.toString('utf8');
    const references = new Set<string>();
    for (const match of html.matchAll(/<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"/g)) {
      references.add(match[1]);
    }
    for (const match of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) {
      references.add(match[1]);
    }
    let bytes = page.body.length;
    for (const reference of references) {
      const asset = await get(reference.startsWith('/') ? reference : `/${reference}`);
      if (asset.status !== 200) {
        throw new Error(`${path} references ${reference}, which answers ${asset.status}`);
      }
      bytes += asset.body.length;
    }
    return round(bytes / 1024);
  };

  const months = Array.from(
    { length: 12 },
    (_, m) => `/brands/acme/calendar?view=month&date=${YEAR}-${String(m + 1).padStart(2, '0')}-15`,
  );
  const calendar = await measure(months);
  const approvalsMine = await measure(['/approvals']);
  // "All": every open step of the brand (5,000 in review), the heavier tab; approvalsP95Ms is the worse of the two.
  const approvals = await measure(['/approvals?tab=all']);
  const today = await measure(['/']);
  const pageKb = await pageWeight(months[5]);
  const todayKb = await pageWeight('/');

  console.log(
    `${imported} posts of acme over ${YEAR} imported by plan sync in ${setupS} s (SQLite, api role)`,
  );
  console.log(
    `${REQUESTS} requests per route after ${WARMUP} warm-up ones, one signed-in session, keep-alive:`,
  );
  for (const [name, timing] of [
    ['GET /brands/acme/calendar (month views over the year)', calendar],
    ['GET /approvals (waiting on maya)', approvalsMine],
    ['GET /approvals?tab=all (every open step)', approvals],
    ['GET / (Today, for comparison)', today],
  ] as const) {
    console.log(
      timing
        ? `  ${name}: p50 ${timing.p50Ms} ms, p95 ${timing.p95Ms} ms`
        : `  ${name}: null, the route answers 404 in this build (its screen is not merged)`,
    );
  }
  console.log(
    pageKb === null
      ? `  page weight of the calendar month: null (not in this build); Today weighs ${todayKb} KiB`
      : `  page weight of the calendar month (HTML + CSS + JS): ${pageKb} KiB; Today ${todayKb} KiB`,
  );
  await web.close();
  console.log(
    JSON.stringify({
      calendarP95Ms: calendar?.p95Ms ?? null,
      approvalsP95Ms:
        approvals && approvalsMine
          ? Math.max(approvals.p95Ms, approvalsMine.p95Ms)
          : (approvals?.p95Ms ?? null),
      pageKb,
    }),
  );
  process.exit(0);
}

void main();

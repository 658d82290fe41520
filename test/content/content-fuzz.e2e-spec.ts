import type { INestApplication } from '@nestjs/common';
import fc from 'fast-check';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../src/app/bootstrap';
import { runtimeOptions } from '../../src/app/runtime-options';
import { validateContentFolders } from '../../src/content/content-folder.validator';
import { ApiTokenRepository } from '../../src/persistence/api-token.repository';
import { createTestDatabase } from '../persistence/test-database';
import { createContentWorkspace, type ContentWorkspace } from './content-workspace';

/** Generous per input: a sync of one file takes milliseconds; an unbounded or quadratic path takes minutes. */
const BOUND_MS = 5_000;

const YAML = `
organisation: { name: Test Agency, timezone: Europe/London }
people:
  maya: { name: Maya, email: maya@example.com }
brands:
  acme:
    name: Acme Coffee
    timezone: Europe/London
    owner: maya
    content: { folder: content }
    channels:
      social: { connector: sandbox, options: { handle: acme }, cadence: { postsPerWeek: 3, windows: ["Mon,Wed,Fri 09:00-10:00"] } }
      bsky: { connector: bluesky, options: { identifier: acme.bsky.social, appPassword: abcd-efgh-ijkl-mnop } }
      masto: { connector: mastodon, options: { instance: https://mastodon.example, accessToken: token } }
`;

const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 400 }),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom(
    '👩‍👩‍👧‍👦'.repeat(200),
    'e\u0301'.repeat(3000),
    'a'.repeat(20_000),
    'https://x.example/ '.repeat(50),
  ),
);
const scalar = fc.oneof(
  fc.string({ maxLength: 40 }).map((value) => JSON.stringify(value)),
  fc.constantFrom(
    '',
    '~',
    'null',
    'true',
    '12',
    '-1e9',
    '[]',
    '{}',
    '*a',
    '&a x',
    '!!binary aGk=',
    '"\\u0000"',
    '|\n  x',
  ),
);
const publish = fc.oneof(
  fc.constantFrom(
    'next-slot',
    '2026-12-32 09:00',
    '2026-02-29 09:00',
    '2030-13-01 09:00',
    '2030-01-09 24:00',
    '2030-03-30 01:30',
  ),
  fc
    .tuple(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 99 }),
      fc.integer({ min: 0, max: 99 }),
      fc.integer({ min: 0, max: 99 }),
      fc.integer({ min: 0, max: 99 }),
    )
    .map(
      ([y, m, d, h, min]) =>
        `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')} ${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`,
    ),
);
const mediaPath = fc.oneof(
  fc.constantFrom(
    '../../../etc/passwd',
    '/etc/hostname',
    'img/none.png',
    '..',
    '.',
    '',
    'a\u0000b.png',
    'x.mp4',
  ),
  fc.string({ maxLength: 30 }),
);
const line = fc.oneof(
  text.map((value) => `title: ${JSON.stringify(value)}`),
  publish.map((value) => `publish: ${value}`),
  scalar.map((value) => `publish: ${value}`),
  fc
    .subarray(['social', 'bsky', 'masto', 'tiktok', ''])
    .map((channels) => `channels: ${JSON.stringify(channels)}`),
  fc
    .tuple(mediaPath, fc.option(text))
    .map(([path, alt]) => `media: [${JSON.stringify({ path, ...(alt === null ? {} : { alt }) })}]`),
  fc
    .tuple(fc.constantFrom('social', 'bsky', 'masto', 'nope'), scalar, fc.option(text))
    .map(
      ([channel, thread, override]) =>
        `overrides: { ${channel}: { extra: { thread: ${thread}, spoilerText: ${JSON.stringify(override ?? '')} }${override === null ? '' : `, text: ${JSON.stringify(override)}`} } }`,
    ),
  fc.constantFrom(
    'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
    'tags: [a, b, a]',
    'title: a\ntitle: b',
    'draft: maybe',
    '? [complex, key]\n: value',
    '<<: *missing',
    'funnel: awareness',
    'campaign: {}',
  ),
  fc.tuple(fc.string({ maxLength: 12 }), scalar).map(([key, value]) => `${JSON.stringify(key)}: ${value}`),
);
const file = fc
  .tuple(fc.array(line, { maxLength: 6 }), text, fc.boolean())
  .map(([lines, body, fenced]) =>
    fenced ? `---\n${lines.join('\n')}\n---\n${body}\n` : `${lines.join('\n')}\n${body}`,
  );

describe('content fuzz: generated front matter and captions through the content API, plan sync and validate', () => {
  let app: INestApplication;
  let auth: { Authorization: string };
  let ws: ContentWorkspace;

  beforeAll(async () => {
    const scratch = await createTestDatabase();
    ws = await createContentWorkspace(await scratch.openMigrated(), YAML);
    const runtime = runtimeOptions(
      { DATABASE_URL: `sqlite:${join(ws.dir, 'api.db')}`, LOG_LEVEL: 'silent' },
      { role: 'api', port: '0' },
    );
    app = await createApp(runtime, ws.loaded);
    await app.init();
    const { plaintext } = await new ApiTokenRepository(app.get(DataSource)).create('fuzz');
    auth = { Authorization: `Bearer ${plaintext}` };
  });

  afterAll(async () => {
    await app.close();
  });

  it('never answers 500, never throws, and each input is handled in bounded time', async () => {
    const server = app.getHttpServer();
    let index = 0;
    await fc.assert(
      fc.asyncProperty(file, async (contents) => {
        const name = `fuzz-${index++ % 5}.md`;
        const started = Date.now();
        const written = await request(server)
          .put(`/api/v1/brands/acme/content/${name}`)
          .set(auth)
          .send({ text: contents });
        expect([200, 400]).toContain(written.status);
        if (written.status === 200) {
          expect(Array.isArray(written.body.issues)).toBe(true);
        }
        const issues = await validateContentFolders(ws.loaded);
        expect(Array.isArray(issues)).toBe(true);
        const synced = await request(server).post('/api/v1/plan/sync').set(auth).send({ brand: 'acme' });
        expect(synced.status).toBe(201);
        expect(Date.now() - started).toBeLessThan(BOUND_MS);
      }),
      { numRuns: 120 },
    );
  });
});

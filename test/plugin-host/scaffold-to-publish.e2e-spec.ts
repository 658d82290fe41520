import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Issue 14's "done when": a new user writes, tests and loads a connector from the docs alone. The scaffold writes a
 * plugin folder into a temp config folder; the only edit is the TODO bodies, replaced by the docs' example code
 * (docs/plugins.md blocks marked `<!-- todo:<method> -->`, so the docs and this test cannot drift); the repo's tsc
 * compiles it; its own test runs the conformance kit; a real Metronome server publishes through it to its fake.
 */
jest.setTimeout(300_000);

const REPO = join(__dirname, '..', '..');
const CLI = join(REPO, 'dist', 'src', 'cli', 'main.js');
const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');
const STEP_MS = 90_000;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function node(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Run {
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', ...options });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The docs' example bodies, by method: every ```ts block right after a `<!-- todo:<method> -->` line. */
function docsTodoBodies(markdown: string): Map<string, string> {
  const bodies = new Map<string, string>();
  for (const match of markdown.matchAll(/<!-- todo:([a-z-]+) -->\n```ts\n([\s\S]*?)```/g)) {
    bodies.set(match[1], match[2]);
  }
  return bodies;
}

/**
 * Replaces the code of each `// TODO <method>: …` block (its comment lines stay) up to `// END TODO <method>` with
 * the docs' body for that method, indented like the block. Returns the new source and the methods replaced.
 */
function fillTodoBodies(source: string, bodies: Map<string, string>): { source: string; filled: string[] } {
  const filled: string[] = [];
  const result = source.replace(
    /^( *)\/\/ TODO ([a-z-]+):.*\n(?:\1\/\/.*\n)*?(?=\1(?!\/\/))([\s\S]*?)^\1\/\/ END TODO \2\n/gm,
    (block: string, indent: string, method: string, code: string) => {
      const body = bodies.get(method);
      if (body === undefined) {
        throw new Error(
          `docs/plugins.md has no <!-- todo:${method} --> block for the scaffold's TODO ${method}`,
        );
      }
      filled.push(method);
      const indented = body
        .trimEnd()
        .split('\n')
        .map((line) => (line ? `${indent}${line}` : line))
        .join('\n');
      return block.replace(code, `${indented}\n`);
    },
  );
  return { source: result, filled };
}

/** "YYYY-MM-DD HH:MM" in UTC (the brand's zone): this minute, due at once. */
const thisMinute = () => new Date().toISOString().slice(0, 16).replace('T', ' ');

describe('from the scaffold and the docs to a published post', () => {
  const docs = readFileSync(join(REPO, 'docs', 'plugins.md'), 'utf8');
  let server: ChildProcess | undefined;
  let fake:
    | {
        url: string;
        posts(): Array<{ idempotencyKey: string; text: string; body: Record<string, unknown> }>;
        close(): Promise<void>;
      }
    | undefined;

  afterAll(async () => {
    server?.kill('SIGTERM');
    await fake?.close();
  });

  it("the docs' example bodies are the worked example's own code (plugins/http-post)", () => {
    const example = readFileSync(join(REPO, 'plugins', 'http-post', 'http-post.connector.ts'), 'utf8');
    const flat = (code: string) => code.replace(/^\s+/gm, '');
    const bodies = docsTodoBodies(docs);
    expect([...bodies.keys()].sort()).toEqual(['delete', 'lookup', 'publish']);
    for (const [method, body] of bodies) {
      expect({ method, inExample: flat(example).includes(flat(body)) }).toEqual({ method, inExample: true });
    }
  });

  it('scaffold → TODO bodies from the docs → tsc → the kit passes → a running server publishes through it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'metronome-scaffold-'));
    const plugin = join(dir, 'plugins', 'acme-intranet');
    const scaffold = node([CLI, 'plugins', 'new', 'connector', 'acme-intranet', '--dir', plugin]);
    expect(scaffold).toMatchObject({ code: 0, stderr: '' });
    expect(scaffold.stdout).toContain('built it (dist/)');

    const connectorFile = join(plugin, 'src', 'acme-intranet.connector.ts');
    const generated = readFileSync(connectorFile, 'utf8');
    const { source, filled } = fillTodoBodies(generated, docsTodoBodies(docs));
    expect(filled).toEqual(['publish', 'lookup', 'delete']);
    expect(source).not.toEqual(generated);
    writeFileSync(connectorFile, source);

    const compiled = node([TSC, '-p', plugin]);
    expect(compiled).toMatchObject({ code: 0, stdout: '' });
    const ownTest = node(['--test', join('dist', 'test', 'acme-intranet.conformance.test.js')], {
      cwd: plugin,
    });
    expect({ code: ownTest.code, out: ownTest.stdout }).toMatchObject({
      code: 0,
      out: expect.stringContaining('# pass 1'),
    });

    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fakeModule = require(join(plugin, 'dist', 'test', 'acme-intranet.fake.js')) as {
      startFake(): Promise<NonNullable<typeof fake>>;
    };
    fake = await fakeModule.startFake();
    mkdirSync(join(dir, 'content'));
    writeFileSync(
      join(dir, 'content', 'hello.md'),
      [
        '---',
        'title: Hello',
        'campaign: launch',
        'channels: [intranet]',
        `publish: ${thisMinute()}`,
        '---',
        'Hello from the intranet connector.',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'metronome.yaml'),
      [
        'organisation: { name: Scaffold test }',
        'people: { ops: { name: Ops } }',
        'publishing: { missedGrace: 1h }',
        'plugins: [{ path: plugins/acme-intranet }]',
        'brands:',
        '  shop:',
        '    name: Shop',
        '    timezone: UTC',
        '    owner: ops',
        '    content: { folder: content }',
        '    campaigns: { launch: { name: Launch } }',
        '    channels:',
        `      intranet: { connector: acme-intranet, options: { endpoint: "${fake.url}" } }`,
        '',
      ].join('\n'),
    );
    const env = { ...process.env, DATABASE_URL: `sqlite:${join(dir, 'metronome.db')}`, LOG_LEVEL: 'warn' };
    const cli = (...args: string[]) =>
      node([CLI, ...args, '--config', join(dir, 'metronome.yaml')], { cwd: dir, env });
    expect(cli('validate')).toMatchObject({ code: 0 });
    const list = cli('plugins', 'list');
    expect(list.stdout).toMatch(/acme-intranet +connector +0\.1\.0 +loaded/);
    expect(cli('migrate')).toMatchObject({ code: 0 });
    expect(cli('plan', 'sync')).toMatchObject({ code: 0 });

    server = spawn(process.execPath, [CLI, 'start', '--port', '0', '--config', join(dir, 'metronome.yaml')], {
      cwd: dir,
      env,
    });
    let output = '';
    server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + STEP_MS;
    const state = () =>
      (JSON.parse(cli('posts', 'list', '--json').stdout) as Array<{ state: string }>)[0]?.state;
    while (state() !== 'published') {
      if (Date.now() > deadline || server.exitCode !== null) {
        throw new Error(
          `the post was not published within ${STEP_MS / 1000} s (state ${state()}):\n${output}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const [post] = fake.posts();
    expect(fake.posts()).toHaveLength(1);
    expect(post.text).toBe('Hello from the intranet connector.');
    expect(post.idempotencyKey).toMatch(/\S{8,}/);
    expect(post.idempotencyKey).not.toContain('undefined');
    // Only the docs' publish body sends these: the scaffold's own body sends the text alone.
    expect(post.body).toMatchObject({ scheduledAt: expect.any(String), extra: {} });
  });

  it('refuses a bad name and a folder that is not empty, and writes notifier and report-template plugins that build and pass their test', () => {
    const dir = mkdtempSync(join(tmpdir(), 'metronome-scaffold-kinds-'));
    expect(
      node([CLI, 'plugins', 'new', 'connector', 'Acme_Intranet', '--dir', join(dir, 'x')]),
    ).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(
        '"Acme_Intranet" is not a plugin name: lowercase letters, digits and dashes',
      ),
    });
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    expect(node([CLI, 'plugins', 'new', 'notifier', 'pager', '--dir', dir])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('is not empty: give an empty or new folder with --dir'),
    });
    for (const kind of ['notifier', 'report-template']) {
      const folder = join(dir, kind);
      expect(node([CLI, 'plugins', 'new', kind, `my-${kind}`, '--dir', folder])).toMatchObject({
        code: 0,
        stderr: '',
      });
      const test = node(['--test', join('dist', 'test', `my-${kind}.test.js`)], { cwd: folder });
      expect({ kind, code: test.code, out: test.stdout }).toMatchObject({
        kind,
        code: 0,
        out: expect.stringContaining('# pass 1'),
      });
    }
  });
});

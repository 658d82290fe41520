import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDataSource } from '../../src/persistence/data-source.factory';

/** Runs the built CLI exactly as a user would (npm test builds it first). */
// Each test spawns several CLI processes; on a loaded 2-core machine one takes seconds to start.
jest.setTimeout(180_000);
const CLI = join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js');

function metronome(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('metronome CLI', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'metronome-cli-'));
  const env = { DATABASE_URL: `sqlite:${join(dataDir, 'cli.db')}` };

  it('validate: exit 0 with a summary for the demo config', () => {
    const result = metronome(['validate', 'config/metronome.yaml']);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain('ok  config/metronome.yaml: 1 brand, 1 channel, 2 people');
  });

  it('validate: exit 2 with every problem as file:line:col  path  message', () => {
    const result = metronome(['validate', '--config', 'test/fixtures/broken-configs/cel-type']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'test/fixtures/broken-configs/cel-type/metronome.yaml:15:16  rules[0].when  condition does not compile: No such key: campain',
    );
    expect(result.stderr).toContain('2 problems in test/fixtures/broken-configs/cel-type');
  });

  it('exit 2 for an unknown command or flag, 0 for --help', () => {
    expect(metronome(['frobnicate']).code).toBe(2);
    expect(metronome(['start', '--role', 'janitor']).code).toBe(2);
    const help = metronome(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/validate.*\n[\s\S]*token/);
  });

  it('migrate is idempotent, and tokens are created once, listed without their value and revoked', () => {
    expect(metronome(['migrate'], env).code).toBe(0);
    const again = metronome(['migrate'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('database schema is up to date');
    const created = metronome(['token', 'create', '--name', 'ci'], env);
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^mtr_[A-Za-z0-9_-]{40,}$/);
    expect(metronome(['token', 'create', '--name', 'ci'], env).code).toBe(2);
    const list = metronome(['token', 'list'], env);
    expect(list.stdout).toContain('ci');
    expect(list.stdout).not.toContain(token);
    expect(metronome(['token', 'revoke', 'ci'], env).code).toBe(0);
    expect(metronome(['token', 'revoke', 'ci'], env).code).toBe(2);
  });

  it('plan sync imports the demo content; approvals are listed and decided from the CLI', () => {
    const dbEnv = { DATABASE_URL: `sqlite:${join(dataDir, 'plan.db')}` };
    const sync = metronome(['plan', 'sync'], dbEnv);
    expect(sync).toMatchObject({ code: 0, stdout: 'demo: 2 new, 0 updated, 0 unchanged, 0 cancelled\n' });
    expect(metronome(['plan', 'sync'], dbEnv).stdout).toContain('demo: 0 new, 0 updated, 2 unchanged');
    const list = metronome(['posts', 'list', '--json'], dbEnv);
    const posts = JSON.parse(list.stdout) as Array<{ id: string; title: string; state: string }>;
    expect(posts.map((p) => p.state)).toEqual(['in_review', 'in_review']);
    const pending = metronome(['approvals', 'list', '--for', 'theo'], dbEnv);
    expect(pending.stdout).toMatch(/copy review \(any\) +theo /);
    const approve = metronome(['approvals', 'approve', posts[0].id, '--as', 'theo'], dbEnv);
    expect(approve).toMatchObject({
      code: 0,
      stdout: `${posts[0].title}: approve at "copy review" → post is in_review\n`,
    });
    expect(metronome(['approvals', 'reject', posts[1].id, '--as', 'theo'], dbEnv)).toMatchObject({ code: 2 });
    expect(metronome(['approvals', 'approve', posts[1].id, '--as', 'maya'], dbEnv)).toMatchObject({
      code: 2,
      stderr: 'maya is not an approver of step "copy review" (approvers: theo)\n',
    });
    expect(metronome(['approvals', 'approve', posts[1].id], dbEnv).code).toBe(2);
  });

  it("channels list shows each channel's status; reconnect brings back one whose credentials were refused", async () => {
    const dbPath = join(dataDir, 'channels.db');
    const dbEnv = { DATABASE_URL: `sqlite:${dbPath}` };
    expect(metronome(['plan', 'sync'], dbEnv).code).toBe(0);
    expect(metronome(['channels', 'list'], dbEnv).stdout).toMatch(
      /^CHANNEL +CONNECTOR +STATUS +CREDENTIALS\ndemo\/sandbox +sandbox +active +config\n$/,
    );
    expect(metronome(['channels', 'reconnect', 'demo/sandbox', '--as', 'maya'], dbEnv)).toMatchObject({
      code: 2,
      stderr: 'demo/sandbox is active: nothing to reconnect\n',
    });
    expect(metronome(['channels', 'reconnect', 'demo/nope', '--as', 'maya'], dbEnv).code).toBe(2);
    // What a worker does when the platform refuses the channel's credentials.
    const db = await openDataSource(dbEnv.DATABASE_URL);
    await db.query(`UPDATE "channels" SET "status" = 'needs_reconnect'`);
    await db.destroy();
    expect(metronome(['channels', 'list'], dbEnv).stdout).toMatch(
      /demo\/sandbox\s+sandbox\s+needs_reconnect/,
    );
    expect(metronome(['channels', 'reconnect', 'demo/sandbox', '--as', 'maya'], dbEnv)).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(
        /^demo\/sandbox is active again; \d+ posts? waiting on it go(es)? out now/,
      ),
    });
    expect(metronome(['channels', 'list'], dbEnv).stdout).toMatch(/demo\/sandbox\s+sandbox\s+active/);
  });

  it('plugins list shows the sandbox connector', () => {
    const result = metronome(['plugins', 'list']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/sandbox\s+connector\s+1\.0\.0\s+loaded/);
  });

  it('plugins list shows the seven connectors of issue 17 loaded, and discord both as notifier and connector', () => {
    const result = metronome(['plugins', 'list']);
    for (const name of ['x', 'youtube', 'tiktok', 'pinterest', 'telegram', 'discord', 'wordpress']) {
      expect({
        name,
        line: new RegExp(`^${name}\\s+connector\\s+\\S+\\s+loaded`, 'm').test(result.stdout),
      }).toEqual({
        name,
        line: true,
      });
    }
    expect(result.stdout).toMatch(/^discord\s+notifier\s+\S+\s+loaded/m);
  });

  it('start: serves /health on the embedded default, reloads on SIGHUP only when valid, stops on SIGTERM', async () => {
    const configDir = mkdtempSync(join(tmpdir(), 'metronome-cli-config-'));
    const configFile = join(configDir, 'metronome.yaml');
    const demo = readFileSync('config/metronome.yaml', 'utf8').replace('folder: content/demo', 'folder: .');
    writeFileSync(configFile, demo);
    // /health shows the config revision to a token that may read system details.
    const token = metronome(
      ['token', 'create', '--name', 'health', '--scopes', 'system:read'],
      env,
    ).stdout.trim();
    const auth = { headers: { Authorization: `Bearer ${token}` } };
    const child: ChildProcess = spawn(
      process.execPath,
      [CLI, 'start', '--port', '0', '--config', configFile],
      {
        env: { ...process.env, ...env, LOG_LEVEL: 'warn' },
      },
    );
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const ready = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout?.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          if (out.includes('Metronome ready')) {
            resolve(out);
          }
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const base = `http://127.0.0.1:${/http:\/\/localhost:(\d+)/.exec(ready)?.[1]}`;
      const health = await fetch(`${base}/health`, auth);
      expect(health.status).toBe(200);
      const first = (await health.json()) as {
        status: string;
        queue: { driver: string };
        config: { revision: string };
      };
      expect(first).toMatchObject({ status: 'ok', queue: { driver: 'inline' } });

      const revisionAfter = async (edit: string) => {
        writeFileSync(configFile, edit);
        child.kill('SIGHUP');
        await new Promise((resolve) => setTimeout(resolve, 1500));
        const body = (await (await fetch(`${base}/health`, auth)).json()) as { config: { revision: string } };
        return body.config.revision;
      };
      const invalid = await revisionAfter(demo.replace('owner: maya', 'owner: nobody'));
      expect(invalid).toBe(first.config.revision);
      // The file watch may notice the edit before the signal arrives; either way it must be rejected.
      expect(output).toMatch(/configuration reload \((SIGHUP|file change)\) rejected/);
      expect(output).toContain('unknown person \\"nobody\\"');
      const valid = await revisionAfter(demo.replace('name: Demo Studio', 'name: Reloaded Studio'));
      expect(valid).not.toBe(first.config.revision);
    } finally {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.on('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
    }
  });
});

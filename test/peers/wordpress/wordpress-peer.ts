import { execFile, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A user of the test site with an application password (HTTP Basic `username:applicationPassword`). */
export interface TestWordPressAccount {
  id: number;
  username: string;
  applicationPassword: string;
}

export interface TestWordPress {
  /** The site's address, e.g. http://127.0.0.1:41235 (plain permalinks: the REST API is at `/?rest_route=/`). */
  url: string;
  /** An Author, an Editor and a Subscriber, each with an application password. */
  accounts: { author: TestWordPressAccount; editor: TestWordPressAccount; subscriber: TestWordPressAccount };
  /** Category ids by name: `News` and `Uncategorized`. */
  categories: Record<string, number>;
  /** Runs SQL on the site's own database (tables `wp_…`): rows of column strings. */
  sql(query: string): Promise<string[][]>;
  /** Revokes every application password of the user (WP_Application_Passwords::delete_all_application_passwords). */
  revokeApplicationPasswords(userId: number): Promise<void>;
  /** A new application password for the user (a person reconnecting the channel). */
  createApplicationPassword(userId: number): Promise<string>;
  /** Stops PHP, drops the database and removes the site folder. */
  stop(): Promise<void>;
}

const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const CORE = join(REPO_ROOT, '.tools', 'wordpress', 'core');
const INSTALL_HINT =
  'run `bash .ci/install-wordpress.sh` from the repository root (Debian packages wordpress, php-cli, php-mysql; ~1.5 min)';
/** The PHP binary (METRONOME_TEST_PHP, else `php` on the PATH). */
const PHP = process.env.METRONOME_TEST_PHP ?? 'php';
const DB_HOST = process.env.METRONOME_TEST_MARIADB_HOST ?? '127.0.0.1';
const DB_PORT = process.env.METRONOME_TEST_MARIADB_PORT ?? '3306';

/** Why a real WordPress cannot run here (PHP, the core copy or MariaDB missing), or undefined when it can. */
export function wordpressUnavailable(): string | undefined {
  if (spawnSync(PHP, ['-r', 'echo extension_loaded("mysqli") ? "ok" : "no";']).stdout?.toString() !== 'ok') {
    return `php with the mysqli extension is not installed: ${INSTALL_HINT}`;
  }
  if (!existsSync(join(CORE, 'wp-load.php'))) {
    return `the WordPress core copy is missing at ${CORE}: ${INSTALL_HINT}`;
  }
  if (mariadb(['-e', 'SELECT 1']).status !== 0) {
    return `MariaDB does not answer at ${DB_HOST}:${DB_PORT} as root without a password (start it: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd)`;
  }
  return undefined;
}

function mariadbArgs(args: string[]): string[] {
  return [`--host=${DB_HOST}`, `--port=${DB_PORT}`, '--user=root', '--batch', '--skip-column-names', ...args];
}

function mariadb(args: string[]) {
  return spawnSync('mariadb', mariadbArgs(args), { encoding: 'utf8' });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

function wpConfig(database: string): string {
  const salt = () => randomBytes(32).toString('hex');
  const keys = ['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT']
    .concat(['LOGGED_IN_SALT', 'NONCE_SALT'])
    .map((name) => `define('${name}', '${salt()}');`)
    .join('\n');
  return `<?php
// Written by test/peers/wordpress/wordpress-peer.ts for one test run.
define('DB_NAME', '${database}');
define('DB_USER', 'root');
define('DB_PASSWORD', '');
define('DB_HOST', '${DB_HOST}:${DB_PORT}');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
${keys}
// Application passwords work over plain HTTP only on a "local" site.
define('WP_ENVIRONMENT_TYPE', 'local');
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('WP_DEBUG', false);
$table_prefix = 'wp_';
if (!defined('ABSPATH')) {
  define('ABSPATH', __DIR__ . '/');
}
require_once ABSPATH . 'wp-settings.php';
`;
}

/**
 * Starts a real WordPress (Debian's package, copied by .ci/install-wordpress.sh) on `php -S 127.0.0.1:<port>` with
 * a fresh MariaDB database, plain permalinks (the REST API at `?rest_route=`) and application passwords for an
 * Author, an Editor and a Subscriber. Rejects with what to install when PHP, the core or MariaDB is missing.
 */
export async function startTestWordPress(): Promise<TestWordPress> {
  const unavailable = wordpressUnavailable();
  if (unavailable) {
    throw new Error(`a real WordPress cannot start: ${unavailable}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'metronome-wordpress-'));
  const site = join(dir, 'site');
  const database = `metronome_wp_${randomBytes(6).toString('hex')}`;
  let php: ReturnType<typeof spawn> | undefined;
  const stop = async () => {
    if (php && php.exitCode === null && php.signalCode === null) {
      const exited = new Promise((done) => php!.once('exit', done));
      php.kill('SIGTERM');
      await exited;
    }
    await run('mariadb', mariadbArgs(['-e', `DROP DATABASE IF EXISTS ${database}`])).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    // Hard links: a site folder of its own (its own wp-config.php and uploads) in a few milliseconds; a copy when
    // .tools links to a cache on another file system.
    await run('cp', ['-al', CORE, site]).catch(async () => {
      rmSync(site, { recursive: true, force: true });
      await run('cp', ['-a', CORE, site]);
    });
    writeFileSync(join(site, 'wp-config.php'), wpConfig(database));
    await run('mariadb', mariadbArgs(['-e', `CREATE DATABASE ${database} CHARACTER SET utf8mb4`]));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const { stdout } = await run(PHP, [join(__dirname, 'setup-site.php'), site, url], { cwd: dir });
    const installed = JSON.parse(stdout.trim().split('\n').at(-1) as string) as {
      accounts: TestWordPress['accounts'];
      categories: Record<string, number>;
    };
    php = spawn(PHP, ['-S', `127.0.0.1:${port}`, '-t', site], {
      cwd: site,
      stdio: ['ignore', 'ignore', 'ignore'],
      env: { ...process.env, PHP_CLI_SERVER_WORKERS: '4' },
    });
    await waitForSite(url);
    return {
      url,
      accounts: installed.accounts,
      categories: installed.categories,
      sql: async (query) => {
        const { stdout: rows } = await run('mariadb', mariadbArgs(['--database', database, '-e', query]));
        return rows
          .split('\n')
          .filter((line) => line.length > 0)
          .map((line) => line.split('\t'));
      },
      revokeApplicationPasswords: async (userId) => {
        await run(PHP, [join(__dirname, 'app-passwords.php'), site, url, 'revoke', String(userId)]);
      },
      createApplicationPassword: async (userId) => {
        const { stdout: password } = await run(PHP, [
          join(__dirname, 'app-passwords.php'),
          site,
          url,
          'create',
          String(userId),
        ]);
        return password.trim();
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitForSite(url: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const response = await fetch(`${url}/?rest_route=/`);
      await response.arrayBuffer();
      if (response.ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      throw new Error(`the test WordPress at ${url} did not answer within 20 s`);
    }
    await new Promise((done) => setTimeout(done, 100));
  }
}

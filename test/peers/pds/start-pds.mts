// Starts a real AT Protocol PDS (@atproto/pds) with an in-memory PLC directory (@did-plc/server's mock
// database) on free loopback ports, creates test accounts with app passwords, and prints one JSON line when
// ready: {"url", "plcUrl", "accounts": [{"handle", "did", "password", "appPassword"}]}. Everything else the
// PDS logs goes to stderr. Stops cleanly on SIGTERM/SIGINT and removes its data directory.
//
// Runs on Node 22 (the PDS needs it), whose type stripping runs this TypeScript as is:
// `.tools/node22/node_modules/node/bin/node test/peers/pds/start-pds.mts`. The PDS packages are imported by a
// computed name with the little of their API used here typed below, so the project's typecheck (Node 20) does not
// need them installed.
// Environment: PDS_RATE_LIMITS_ENABLED=true for the PDS's real rate limits (429s), PDS_RATE_LIMIT_BYPASS_KEY for
// the value of an `x-ratelimit-bypass` header that skips them, PDS_ACCOUNTS=alice,bob for the accounts' names
// (handles become <name>.test).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface PdsModule {
  PDS: {
    create(
      config: unknown,
      secrets: unknown,
    ): Promise<{ start(): Promise<Server>; destroy(): Promise<void> }>;
  };
  envToCfg: (env: Record<string, unknown>) => unknown;
  envToSecrets: (env: Record<string, unknown>) => unknown;
}
interface PlcModule {
  Database: { mock(): unknown };
  PlcServer: {
    create(options: { db: unknown; port: number }): { start(): Promise<Server>; destroy(): Promise<void> };
  };
}
interface Account {
  handle: string;
  did: string;
  password: string;
  appPassword: string;
}

const PDS_PACKAGE = '@atproto/pds';
const PLC_PACKAGE = '@did-plc/server';

const ACCOUNT_NAME = /^[a-z][a-z0-9-]{0,17}$/;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function xrpc<T>(url: string, method: string, body: unknown, accessJwt?: string): Promise<T> {
  const response = await fetch(`${url}/xrpc/${method}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(accessJwt ? { authorization: `Bearer ${accessJwt}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${method} answered ${response.status}: ${text}`);
  }
  return JSON.parse(text) as T;
}

async function createAccount(url: string, name: string): Promise<Account> {
  const handle = `${name}.test`;
  const password = `pw-${randomBytes(12).toString('hex')}`;
  const session = await xrpc<{ did: string; accessJwt: string }>(url, 'com.atproto.server.createAccount', {
    handle,
    email: `${name}@example.test`,
    password,
  });
  const appPassword = await xrpc<{ password: string }>(
    url,
    'com.atproto.server.createAppPassword',
    { name: 'metronome-test' },
    session.accessJwt,
  );
  return { handle, did: session.did, password, appPassword: appPassword.password };
}

async function main(): Promise<void> {
  const { PDS, envToCfg, envToSecrets } = (await import(PDS_PACKAGE)) as PdsModule;
  const { Database: PlcDatabase, PlcServer } = (await import(PLC_PACKAGE)) as PlcModule;
  const names = (process.env.PDS_ACCOUNTS || 'alice,bob').split(',').map((name) => name.trim());
  const bad = names.find((name) => !ACCOUNT_NAME.test(name));
  if (bad !== undefined) {
    throw new Error(
      `PDS_ACCOUNTS: "${bad}" is not a usable account name (lowercase letters, digits, dashes)`,
    );
  }
  const dataDirectory = mkdtempSync(join(tmpdir(), 'metronome-pds-'));
  const plc = PlcServer.create({ db: PlcDatabase.mock(), port: await freePort() });
  const plcServer = await plc.start();
  const plcUrl = `http://localhost:${(plcServer.address() as AddressInfo).port}`;

  const port = await freePort();
  const env = {
    port,
    hostname: 'localhost',
    devMode: true,
    dataDirectory,
    blobstoreDiskLocation: join(dataDirectory, 'blobs'),
    didPlcUrl: plcUrl,
    serviceHandleDomains: ['.test'],
    inviteRequired: false,
    rateLimitsEnabled: process.env.PDS_RATE_LIMITS_ENABLED === 'true',
    rateLimitBypassKey: process.env.PDS_RATE_LIMIT_BYPASS_KEY || undefined,
    crawlers: [],
    jwtSecret: randomBytes(16).toString('hex'),
    adminPassword: randomBytes(16).toString('hex'),
    // Any 32 random bytes are a valid secp256k1 private key (short of a negligible chance).
    plcRotationKeyK256PrivateKeyHex: randomBytes(32).toString('hex'),
  };
  const pds = await PDS.create(envToCfg(env), envToSecrets(env));
  await pds.start();
  const url = `http://localhost:${port}`;

  let stopping = false;
  const stop = async () => {
    if (stopping) {
      return;
    }
    stopping = true;
    await pds.destroy().catch((error: unknown) => console.error('stopping the PDS:', error));
    await plc.destroy().catch((error: unknown) => console.error('stopping the PLC directory:', error));
    rmSync(dataDirectory, { recursive: true, force: true });
    process.exit(0);
  };
  const stopNow = () => void stop();
  process.on('SIGTERM', stopNow);
  process.on('SIGINT', stopNow);
  // The parent (a test run) went away without stopping us: do not linger.
  process.stdin.on('end', stopNow);
  process.stdin.resume();

  const accounts: Account[] = [];
  for (const name of names) {
    accounts.push(await createAccount(url, name));
  }
  process.stdout.write(`${JSON.stringify({ url, plcUrl, accounts })}\n`);
}

main().catch((error: unknown) => {
  console.error(`start-pds: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});

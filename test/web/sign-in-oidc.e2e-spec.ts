import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { startWebApp, WEB_YAML, type WebApp } from './web-app.fixture';

const APP = 'http://127.0.0.1:3999';
const CLIENT = { clientId: 'metronome', clientSecret: 'oidc-client-secret-42' };

/**
 * oidc-provider 9 on loopback, run as its own Node process (it is ESM; Jest's CommonJS runtime stays out of
 * it), with fixed accounts. Its argument: { clientId, clientSecret, redirectUri, accounts: { <login>: claims } }.
 * It prints "ready <issuer>" once listening.
 */
const PROVIDER_SCRIPT = `import { createServer } from 'node:net';
import Provider from 'oidc-provider';

const options = JSON.parse(process.argv[1]);
const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address();
    probe.close(() => resolve(free));
  });
});
const issuer = \`http://127.0.0.1:\${port}\`;
const provider = new Provider(issuer, {
  clients: [
    {
      client_id: options.clientId,
      client_secret: options.clientSecret,
      redirect_uris: [options.redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  async findAccount(_ctx, id) {
    const account = options.accounts[id];
    return account ? { accountId: id, claims: () => ({ sub: id, ...account }) } : undefined;
  },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['test-only-cookie-key'] },
});
provider.proxy = false;
provider.listen(port, '127.0.0.1', () => process.stdout.write(\`ready \${issuer}\n\`));
`;

async function startProvider(): Promise<{ issuer: string; process: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '--eval',
      PROVIDER_SCRIPT,
      JSON.stringify({
        ...CLIENT,
        redirectUri: `${APP}/sign-in/oidc/callback`,
        accounts: {
          'theo-sso': { email: 'Theo@Example.com', email_verified: true },
          'rosa-unverified': { email: 'rosa@example.com', email_verified: false },
          stranger: { email: 'who@else.example', email_verified: true },
        },
      }),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: join(__dirname, '..', '..') },
  );
  const issuer = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += String(chunk);
      const ready = /ready (\S+)/.exec(out);
      if (ready) {
        resolve(ready[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`the OIDC provider exited (${code})`)));
  });
  return { issuer, process: child };
}

describe('web app: sign-in with the organisation’s OpenID Connect provider', () => {
  let provider: { issuer: string; process: ChildProcess };
  let web: WebApp;
  let lastCallback: { path: string; cookie: string };

  beforeAll(async () => {
    provider = await startProvider();
    web = await startWebApp({
      yaml: WEB_YAML.replace(
        'web: { secureCookies: false }',
        `web:\n  secureCookies: false\n  oidc: { issuer: "${provider.issuer}", clientId: ${CLIENT.clientId}, clientSecret: "\${file:oidc-secret.txt}", label: Sign in with Acme SSO }`,
      ),
      prepare: (dir) => writeFileSync(join(dir, 'oidc-secret.txt'), `${CLIENT.clientSecret}\n`),
    });
  }, 30_000);

  afterAll(async () => {
    await web?.close();
    provider?.process.kill();
  });

  /**
   * A browser: starts at /sign-in/oidc, logs in at the provider as `login` (its dev login and consent forms),
   * and comes back to the callback with the cookie the start set. Returns the callback's answer.
   */
  async function signInAt(login: string, next = '/', options: { dropCookie?: boolean } = {}) {
    const start = await request(web.server)
      .get(`/sign-in/oidc?next=${encodeURIComponent(next)}`)
      .expect(303);
    const cookie = String(start.headers['set-cookie']).split(';')[0];
    expect(cookie).toMatch(/^metronome_oidc=/);
    let location = String(start.headers.location);
    const authorize = new URL(location);
    expect(authorize.origin).toBe(provider.issuer);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    expect(authorize.searchParams.get('state')).toBe(cookie.split('=')[1]);
    const browser = request.agent(provider.issuer);
    for (let hop = 0; hop < 12 && !location.startsWith(APP); hop += 1) {
      const url = new URL(location, provider.issuer);
      const page = await browser.get(url.pathname + url.search);
      if (page.status !== 200) {
        location = String(page.headers.location);
        continue;
      }
      const action = /<form[^>]*action="([^"]+)"/.exec(page.text)?.[1];
      const form = /name="login"/.test(page.text)
        ? { prompt: 'login', login, password: 'any' }
        : { prompt: 'consent' };
      const target = new URL(action!.replace(/&#x2F;|&#47;/gi, '/').replace(/&amp;/g, '&'), provider.issuer);
      const sent = await browser
        .post(target.pathname + target.search)
        .type('form')
        .send(form);
      location = String(sent.headers.location);
    }
    expect(location.startsWith(`${APP}/sign-in/oidc/callback?`)).toBe(true);
    const callback = new URL(location);
    const back = request(web.server).get(callback.pathname + callback.search);
    lastCallback = { path: callback.pathname + callback.search, cookie };
    return options.dropCookie ? back : back.set('Cookie', cookie);
  }

  it('the sign-in page offers the provider; the verified e-mail signs its person in, landing on next', async () => {
    const page = await request(web.server).get('/sign-in?next=%2Fcalendar').expect(200);
    expect(page.text).toContain('Sign in with Acme SSO');
    expect(page.text).toContain('href="/sign-in/oidc?next&#x3D;%2Fcalendar"');
    const back = await signInAt('theo-sso', '/calendar?view=week');
    expect(back.status).toBe(303);
    expect(back.headers.location).toBe('/calendar?view=week');
    const cookie = String(back.headers['set-cookie'])
      .split(/,(?=\s*metronome_session=)/)
      .map((c) => c.trim())
      .find((c) => c.startsWith('metronome_session='))!
      .split(';')[0];
    const today = await request(web.server).get('/').set('Cookie', cookie).expect(200);
    expect(today.text).toContain('Theo Writer');
    // The same answer from the provider, replayed (even with the attempt's cookie), signs nobody in.
    const replay = await request(web.server)
      .get(lastCallback.path)
      .set('Cookie', lastCallback.cookie)
      .expect(403);
    expect(replay.text).toContain('expired or was already used');
    expect(String(replay.headers['set-cookie'] ?? '')).not.toContain('metronome_session=');
  });

  it('an e-mail that is nobody’s here is refused with a clear message', async () => {
    const back = await signInAt('stranger');
    expect(back.status).toBe(403);
    expect(back.text).toContain('No one here signs in as who@else.example');
    expect(String(back.headers['set-cookie'] ?? '')).not.toContain('metronome_session=');
  });

  it('an address the provider has not verified is refused', async () => {
    const back = await signInAt('rosa-unverified');
    expect(back.status).toBe(403);
    expect(back.text).toContain('not verified');
  });

  it('a callback without the browser’s attempt cookie is refused (login CSRF)', async () => {
    const back = await signInAt('theo-sso', '/', { dropCookie: true });
    expect(back.status).toBe(400);
    expect(back.text).toContain('not started in this browser');
    expect(String(back.headers['set-cookie'] ?? '')).not.toContain('metronome_session=');
  });
});

// A real oidc-provider 9 on loopback for test/web/sign-in-oidc.e2e-spec.ts, run as its own Node process (it is
// ESM; Jest's CommonJS runtime stays out of it). Arguments: a JSON object { clientId, clientSecret, redirectUri,
// accounts: { <login>: { email, email_verified } } }. Prints "ready <issuer>" once listening.
import { createServer } from 'node:net';
import Provider from 'oidc-provider';

const options = JSON.parse(process.argv[2]);
const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address();
    probe.close(() => resolve(free));
  });
});
const issuer = `http://127.0.0.1:${port}`;
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
provider.listen(port, '127.0.0.1', () => process.stdout.write(`ready ${issuer}\n`));

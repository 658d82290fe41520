import bluesky from '../../plugins/bluesky';
import type { BlueskyOptions } from '../../plugins/bluesky/bluesky-options.schema';
import { createFaultProxy, describeConnectorConformance } from '../../src/plugin-sdk/testing';
import { startTestPds } from '../peers/pds/pds.harness';

/** Lets posts() count what is on the PDS without spending the account's budget under test. */
const BYPASS = 'conformance-bypass';

// A real PDS (@atproto/pds on Node 22, its own rate limits on) behind the kit's fault proxy. Only createRecord gets
// the faults: the connector's sign-in (createSession) is a POST too. About 15 posts: well inside the PDS's budget.
describeConnectorConformance<BlueskyOptions>('bluesky connector: conformance kit (real PDS)', {
  plugin: bluesky,
  startPlatform: async () => {
    const pds = await startTestPds({ rateLimits: true, rateLimitBypassKey: BYPASS, accounts: ['alice'] });
    const [alice] = pds.accounts;
    const proxy = await createFaultProxy(pds.url, {
      matches: ({ method, path }) => method === 'POST' && path === '/xrpc/com.atproto.repo.createRecord',
    });
    return {
      options: { service: proxy.url, identifier: alice.handle, appPassword: alice.appPassword },
      injectFault: (fault) => proxy.injectFault(fault),
      posts: async () => {
        const query = new URLSearchParams({
          repo: alice.did,
          collection: 'app.bsky.feed.post',
          limit: '100',
        });
        const response = await fetch(`${pds.url}/xrpc/com.atproto.repo.listRecords?${query.toString()}`, {
          headers: { 'x-ratelimit-bypass': BYPASS },
        });
        const { records } = (await response.json()) as {
          records: Array<{ uri: string; value: { text: string } }>;
        };
        return records.map((record) => ({ remoteId: record.uri, text: record.value.text }));
      },
      close: async () => {
        await proxy.close();
        await pds.stop();
      },
    };
  },
});

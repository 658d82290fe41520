import { defineConnector, refusedByPlatform, z } from '../../src/plugin-sdk';
import { FaultInjector } from './fault-injector';
import { SandboxContainers } from './sandbox-containers';
import { SandboxNetwork } from './sandbox-network';

const options = z.strictObject({
  handle: z.string().min(1).describe('The simulated account name, e.g. "acme".'),
  idempotency: z
    .enum(['honour', 'ignore'])
    .default('honour')
    .describe(
      'honour: a repeated idempotency key returns the first post; ignore: every publish creates a new post, ' +
        'like a platform without keys, so a duplicate send shows up on the network (crash tests).',
    ),
  profile: z
    .strictObject({
      displayName: z.string().optional(),
      bio: z.string().optional(),
      links: z.array(z.string()).default([]),
      pinned: z.string().optional(),
    })
    .optional()
    .describe(
      'The simulated account’s live profile (what a profile check finds) until `metronome sandbox profile` ' +
        'edits it. Default: the handle as display name, no bio, no links. Make it match the channel’s ' +
        '`profile` for a demo without drift.',
    ),
  twoStep: z
    .strictObject({
      checks: z.number().int().min(1).default(1).describe('Status calls until the post is visible.'),
    })
    .optional()
    .describe(
      'Two-step publishing (SDK 2): publish answers "accepted" with a container handle, and the post becomes ' +
        'visible at the `checks`-th status call, as an Instagram container or a processing video. Leave out to ' +
        'publish in one step.',
    ),
  faults: z
    .strictObject({
      mode: z
        .enum(['rate-limit', 'server-error', 'auth', 'permanent', 'timeout-after-send'])
        .optional()
        .describe('Leave out for a healthy network that is only slow (latencyMs).'),
      times: z.number().int().min(0).default(1),
      latencyMs: z.number().int().min(0).default(0),
      retryAfterSeconds: z.number().int().min(0).default(60),
      injectable: z
        .boolean()
        .default(false)
        .describe(
          'Before each publish, read a one-shot fault written to the sandbox state (the conformance kit injects ' +
            'its faults this way). Off by default: one state read less per publish.',
        ),
      refresh: z
        .enum(['renews', 'refuses', 'throws'])
        .optional()
        .describe(
          'Gives the connector refreshCredentials(), as an OAuth connector has: renews (answers true), refuses ' +
            '(answers false) or throws. Leave out for a connector that cannot renew credentials.',
        ),
      updateProfile: z
        .enum(['accept', 'refuse'])
        .default('accept')
        .describe('refuse: updateProfile fails as a platform that rejects the change would (422).'),
      budget: z
        .strictObject({
          posts: z.number().int().min(1),
          windowSeconds: z.number().int().min(1),
        })
        .optional()
        .describe(
          'A platform rate limit on the account: this many posts per window, then 429s whose reset is rounded ' +
            'down to the second (as a Bluesky PDS does) until the window ends.',
        ),
    })
    .optional()
    .describe(
      'Latency and failure injection for tests and benchmarks; leave out for a healthy, instant network.',
    ),
});

/** A simulated network: runs the demo config, the tests and the benchmarks without any credentials. */
export default defineConnector<z.output<typeof options>>({
  kind: 'connector',
  name: 'sandbox',
  version: '1.0.0',
  sdk: '^2.0.0',
  description: 'Simulated network stored in Metronome’s database; deterministic comments and metrics.',
  options,
  capabilities: {
    publish: true,
    delete: true,
    inbox: true,
    profile: true,
    metrics: true,
    reply: true,
    updateProfile: true,
    // Capabilities are static per plugin: declared always, used only with the `twoStep` option (status answers
    // "failed" for a handle it never gave out).
    twoStep: true,
    text: { graphemes: 500 },
    media: { maxCount: 4, types: ['image/png', 'image/jpeg'] },
  },
  create(context, { handle, idempotency, faults, profile, twoStep }) {
    const network = new SandboxNetwork(context, handle, idempotency, profile);
    const containers = new SandboxContainers(context, network, idempotency, twoStep?.checks ?? 1);
    const injector = new FaultInjector(context, faults);
    return {
      publish: async (request) => {
        await injector.travel();
        const plan = await injector.before(request.idempotencyKey);
        const result = twoStep ? await containers.create(request) : await network.publish(request);
        await injector.travel();
        return plan === 'send-then-timeout' ? injector.timeout() : result;
      },
      lookup: async (key) =>
        (await network.lookup(key)) ?? (twoStep ? containers.unfinished(key) : undefined),
      status: (remoteHandle) => containers.status(remoteHandle),
      reply: async (item, request) => {
        await injector.travel();
        const plan = await injector.before(request.idempotencyKey);
        const result = await network.reply(item, request);
        await injector.travel();
        return plan === 'send-then-timeout' ? injector.timeout() : result;
      },
      updateProfile: async (desired) => {
        await injector.recordProfileUpdate();
        if (faults?.updateProfile === 'refuse') {
          throw refusedByPlatform(422, 'sandbox: profile change rejected');
        }
        return network.updateProfile(desired);
      },
      ...(faults?.refresh ? { refreshCredentials: () => injector.refreshCredentials(faults.refresh!) } : {}),
      delete: (remoteId) => network.delete(remoteId),
      fetchInbox: (since) => network.inbox(since),
      fetchMetrics: (day) => network.metrics(day),
      getProfile: () => network.profile(),
    };
  },
});

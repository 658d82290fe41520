import sandbox from '../../plugins/sandbox';
import {
  PermanentError,
  RateLimitedError,
  type Connector,
  type ConnectorPlugin,
  type PluginContext,
  type PublishOutcome,
  type PublishRequest,
  type PublishResult,
  type PublishStatus,
} from '../../src/plugin-sdk';
import {
  formatConformanceReport,
  runConnectorConformance,
  type ConformanceCheckName,
  type ConformanceReport,
} from '../../src/plugin-sdk/testing';
import { sandboxPlatform, type SandboxOptions } from '../connectors/sandbox.conformance.platform';

/** The sandbox with its connector changed by `change`: one deliberate defect per test. */
function brokenSandbox(
  name: string,
  change: (connector: Connector, context: PluginContext) => Connector,
  capabilities: Partial<ConnectorPlugin<SandboxOptions>['capabilities']> = {},
): ConnectorPlugin<SandboxOptions> {
  return {
    ...sandbox,
    name,
    capabilities: { ...sandbox.capabilities, ...capabilities },
    create: async (context, options) => change(await sandbox.create(context, options), context),
  };
}

function run(plugin: ConnectorPlugin<SandboxOptions>, options: Partial<SandboxOptions> = {}) {
  return runConnectorConformance({
    plugin,
    startPlatform: async (context) => sandboxPlatform(context, options),
  });
}

function withStatus(report: ConformanceReport, status: string): ConformanceCheckName[] {
  return report.checks.filter((check) => check.status === status).map((check) => check.name);
}

function problemOf(report: ConformanceReport, name: ConformanceCheckName): string | undefined {
  return report.checks.find((check) => check.name === name)?.problem;
}

describe('the conformance kit', () => {
  it('passes a correct connector (the sandbox), reporting a conservative text limit as a note', async () => {
    const report = await run(sandbox);
    expect(withStatus(report, 'failed')).toEqual([]);
    expect(report.passed).toBe(true);
    // The sandbox declares twoStep; without its twoStep option it answers published at once, which the check allows.
    expect(withStatus(report, 'not-applicable')).toEqual([]);
    expect(withStatus(report, 'passed')).toContain('two-step-status');
    expect(report.checks.find((check) => check.name === 'text-limit')?.notes).toEqual([
      expect.stringMatching(/accepted 501 characters: the declared limit of 500 is conservative/),
    ]);
  });

  it('follows a two-step connector through status, and passes a correct one', async () => {
    const statusQuestions: string[] = [];
    const report = await run(
      brokenSandbox(
        'two-step',
        (connector, context) => {
          // Publishing makes a "container"; the first status question finds it processing, the second publishes it.
          const pending = (key: string) =>
            context.state.get<{ text: string; asked: boolean }>(`pending:${key}`);
          const accepted = (key: string): PublishOutcome => ({
            status: 'accepted',
            handle: key,
            checkAfterMs: 1,
          });
          return {
            ...connector,
            publish: async (request: PublishRequest) => {
              if (!(await pending(request.idempotencyKey))) {
                await context.state.set(`pending:${request.idempotencyKey}`, {
                  text: request.text,
                  asked: false,
                });
              }
              return accepted(request.idempotencyKey);
            },
            status: async (handle: string): Promise<PublishStatus> => {
              statusQuestions.push(handle);
              const container = await pending(handle);
              if (!container) {
                return { status: 'failed', reason: `no container ${handle}` };
              }
              if (!container.asked) {
                await context.state.set(`pending:${handle}`, { ...container, asked: true });
                return { status: 'finishing', checkAfterMs: 1 };
              }
              const result = await connector.publish!({
                idempotencyKey: handle,
                text: container.text,
                media: [],
                scheduledAt: new Date(),
                extra: {},
              });
              return {
                status: 'published',
                result: result as Extract<PublishStatus, { status: 'published' }>['result'],
              };
            },
            lookup: async (key: string) =>
              (await connector.lookup!(key)) ?? ((await pending(key)) ? accepted(key) : undefined),
          };
        },
        { twoStep: true },
      ),
    );
    expect(formatConformanceReport(report)).toMatch(/conforms/);
    expect(withStatus(report, 'failed')).toEqual([]);
    expect(withStatus(report, 'passed')).toContain('two-step-status');
    expect(statusQuestions.length).toBeGreaterThan(0);
  });

  it('fails a connector that ignores the idempotency key (a new post each publish), and only the checks that repeat a key', async () => {
    const report = await run(sandbox, { idempotency: 'ignore' });
    expect(report.passed).toBe(false);
    expect(withStatus(report, 'failed')).toEqual(['idempotent-publish', 'two-step-status']);
    expect(problemOf(report, 'idempotent-publish')).toMatch(
      /two publishes with the same idempotency key answered different posts .*Send request\.idempotencyKey to the platform/,
    );
  });

  it('fails a connector without lookup: an unknown outcome cannot be reconciled; the lookup checks do not run', async () => {
    const report = await run(
      brokenSandbox('no-lookup', (connector) => ({ ...connector, lookup: undefined })),
    );
    expect(withStatus(report, 'failed')).toEqual(['capabilities-match-methods']);
    expect(problemOf(report, 'capabilities-match-methods')).toMatch(
      /publish is implemented without lookup: an unknown outcome cannot be reconciled.*Implement lookup\(idempotencyKey\)/,
    );
    expect(withStatus(report, 'not-run')).toEqual([
      'lookup-unknown-key',
      'lookup-after-lost-answer',
      'two-step-status',
      'server-error',
      'timeout',
    ]);
    expect(problemOf(report, 'timeout')).toBe(
      'needs lookup, which the connector lacks (see capabilities-match-methods)',
    );
  });

  it('fails a connector that maps a 429 to PermanentError, naming the fix', async () => {
    const report = await run(
      brokenSandbox('rate-limit-as-permanent', (connector) => ({
        ...connector,
        publish: async (request: PublishRequest) => {
          try {
            return await connector.publish!(request);
          } catch (error) {
            throw error instanceof RateLimitedError ? new PermanentError(error.message) : error;
          }
        },
      })),
    );
    expect(withStatus(report, 'failed')).toEqual(['rate-limited']);
    expect(problemOf(report, 'rate-limited')).toMatch(
      /a 429 must become RateLimitedError \(throw rateLimited\(message, resetAt\)\).*threw PermanentError.*mapped as permanent/,
    );
  });

  it('fails a 429 whose retryAt ignores the platform’s reset', async () => {
    const report = await run(
      brokenSandbox('rate-limit-without-reset', (connector) => ({
        ...connector,
        publish: async (request: PublishRequest) => {
          try {
            return await connector.publish!(request);
          } catch (error) {
            throw error instanceof RateLimitedError ? new RateLimitedError(error.message) : error;
          }
        },
      })),
    );
    expect(withStatus(report, 'failed')).toEqual(['rate-limited']);
    expect(problemOf(report, 'rate-limited')).toMatch(
      /RateLimitedError without retryAt: read the platform's reset header/,
    );
  });

  it('fails publish(post, key) with the signature fix, and holds back the checks that publish', async () => {
    const report = await run(
      brokenSandbox('two-argument-publish', (connector) => {
        const publish = (post: PublishRequest, key: string) =>
          connector.publish!({ ...post, idempotencyKey: key });
        return { ...connector, publish: publish as unknown as Connector['publish'] };
      }),
    );
    expect(withStatus(report, 'failed')).toEqual(['publish-signature']);
    expect(problemOf(report, 'publish-signature')).toMatch(
      /^publish declares 2 parameters: publish takes one request object; the idempotency key is request\.idempotencyKey/,
    );
    expect(withStatus(report, 'not-run')).toContain('idempotent-publish');
    expect(problemOf(report, 'distinct-keys')).toBe('fix publish-signature first');
    expect(formatConformanceReport(report)).toMatch(/✗ publish-signature \(failed\)/);
  });

  it('fails a lookup that only knows answers this instance saw: a crash between send and record loses the post', async () => {
    const report = await run(
      brokenSandbox('lookup-in-memory', (connector) => {
        const seen = new Map<string, Awaited<ReturnType<NonNullable<Connector['publish']>>>>();
        return {
          ...connector,
          publish: async (request: PublishRequest) => {
            const result = await connector.publish!(request);
            seen.set(request.idempotencyKey, result);
            return result;
          },
          lookup: async (key: string) => seen.get(key),
        };
      }),
    );
    expect(withStatus(report, 'failed')).toEqual(['lookup-after-lost-answer']);
    expect(problemOf(report, 'lookup-after-lost-answer')).toMatch(
      /on a new connector instance \(same state store\) found nothing: the core would publish it again\. Before sending, store what identifies the post in context\.state/,
    );
  });

  it('fails a connector that reports a 5xx as permanent', async () => {
    const report = await run(
      brokenSandbox('server-error-as-permanent', (connector) => ({
        ...connector,
        publish: async (request: PublishRequest) => {
          try {
            return await connector.publish!(request);
          } catch (error) {
            throw (error as Error).name === 'Error' ? new PermanentError((error as Error).message) : error;
          }
        },
      })),
    );
    expect(withStatus(report, 'failed')).toEqual(['server-error']);
    expect(problemOf(report, 'server-error')).toMatch(
      /a 5xx is the platform's trouble, not the post's: throw transientFailure\(\.\.\.\) or outcomeUnknown/,
    );
  });

  it('fails a result whose publishedAt is not a Date (a string from JSON), naming the fix', async () => {
    const report = await run(
      brokenSandbox('string-dates', (connector) => ({
        ...connector,
        publish: async (request: PublishRequest) => {
          const result = (await connector.publish!(request)) as PublishResult;
          return { ...result, publishedAt: JSON.parse(JSON.stringify(result.publishedAt)) as Date };
        },
      })),
    );
    expect(withStatus(report, 'failed')).toContain('idempotent-publish');
    expect(problemOf(report, 'idempotent-publish')).toMatch(
      /^publish answered publishedAt "20\d\d-.*": answer a valid Date \(new Date\(platformTime\)\), or leave it out$/,
    );
  });

  it('fails a declared capability without its method', async () => {
    const report = await run(
      brokenSandbox('no-delete', (connector) => ({ ...connector, delete: undefined }), { delete: true }),
    );
    expect(withStatus(report, 'failed')).toEqual(['capabilities-match-methods']);
    expect(problemOf(report, 'capabilities-match-methods')).toBe(
      'capabilities.delete is declared but the connector has no delete method: implement it or remove the capability',
    );
  });

  it('reports a skipped check with its reason, and refuses a skip of a check that does not exist', async () => {
    const report = await runConnectorConformance({
      plugin: sandbox,
      startPlatform: async (context) => sandboxPlatform(context),
      skip: { 'inbox-cursor': 'the sandbox inbox is covered elsewhere' },
    });
    expect(report.checks.find((check) => check.name === 'inbox-cursor')).toMatchObject({
      status: 'skipped',
      problem: 'the sandbox inbox is covered elsewhere',
    });
    await expect(
      runConnectorConformance({
        plugin: sandbox,
        startPlatform: async (context) => sandboxPlatform(context),
        skip: { 'inbox-cursr': 'typo' } as never,
      }),
    ).rejects.toThrow(/target\.skip names unknown checks inbox-cursr; the checks are publish-signature, /);
  });

  it('refuses platform options the plugin’s schema rejects, naming the path and the fix', async () => {
    await expect(run(sandbox, { idempotency: 'sometimes' as never })).rejects.toThrow(
      /the platform's options fail the plugin's options schema: idempotency: .*Fix ConformancePlatform\.options in startPlatform/,
    );
  });
});

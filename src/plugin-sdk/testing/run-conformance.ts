import type { Connector } from '../connector';
import type { ConnectorPlugin } from '../plugin-definition';
import { ALL_CHECKS } from './checks/all-checks';
import type { ConformanceCheck } from './checks/conformance-check';
import { ConformanceProblem, ConformanceSession, describeError } from './conformance-session';
import {
  CONFORMANCE_CHECKS,
  type ConformanceCheckResult,
  type ConformanceReport,
  type ConnectorConformanceTarget,
} from './conformance-types';
import { createTestPluginContext } from './test-plugin-context';

const DEFAULT_CHECK_TIMEOUT_MS = 30_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 2_000;

/**
 * Runs the standard suite against a connector and its platform and reports every check by name. Framework-
 * agnostic: it never throws for a failing check (see `report.passed`), only for a target it cannot run.
 */
export async function runConnectorConformance<Options>(
  target: ConnectorConformanceTarget<Options>,
): Promise<ConformanceReport> {
  checkTarget(target);
  const { plugin } = target;
  const context = createTestPluginContext({
    ...(await target.context?.()),
    plugin: plugin.name,
    scope: 'conformance/channel',
    maxRequestTimeoutMs: target.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
  });
  const platform = await target.startPlatform(context);
  const connectors: Connector[] = [];
  try {
    const newConnector = async () => {
      const connector = await plugin.create(context, await validatedOptions(plugin, platform.options));
      connectors.push(connector);
      return connector;
    };
    const session = new ConformanceSession(plugin, platform, context, await newConnector(), newConnector);
    const results: ConformanceCheckResult[] = [];
    for (const check of ALL_CHECKS) {
      results.push(await runCheck(check, session as ConformanceSession<unknown>, target, results));
    }
    return {
      plugin: plugin.name,
      passed: results.every((result) => result.status !== 'failed'),
      checks: results,
    };
  } finally {
    for (const connector of connectors) {
      await connector.close?.();
    }
    await platform.close();
  }
}

async function runCheck<Options>(
  check: ConformanceCheck,
  session: ConformanceSession<unknown>,
  target: ConnectorConformanceTarget<Options>,
  earlier: ConformanceCheckResult[],
): Promise<ConformanceCheckResult> {
  const result = (
    status: ConformanceCheckResult['status'],
    problem?: string,
    notes: string[] = [],
    durationMs = 0,
  ) => ({
    name: check.name,
    title: check.title,
    status,
    ...(problem === undefined ? {} : { problem }),
    notes,
    durationMs,
  });
  const skipped = target.skip?.[check.name];
  if (skipped !== undefined) {
    return result('skipped', skipped || 'skipped by the target (no reason given)');
  }
  if (check.capability && !session.plugin.capabilities[check.capability]) {
    return result('not-applicable', `the plugin does not declare capabilities.${check.capability}`);
  }
  const reason = check.notApplicable?.(session);
  if (reason) {
    return result('not-applicable', reason);
  }
  const missing = (check.methods ?? []).filter((method) => typeof session.connector[method] !== 'function');
  if (missing.length > 0) {
    return result(
      'not-run',
      `needs ${missing.join(' and ')}, which the connector lacks (see capabilities-match-methods)`,
    );
  }
  const blocking = earlier.filter((other) => check.after?.includes(other.name) && other.status === 'failed');
  if (blocking.length > 0) {
    return result('not-run', `fix ${blocking.map((other) => other.name).join(', ')} first`);
  }
  const started = Date.now();
  const limit = target.timeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS;
  let timer: NodeJS.Timeout | undefined;
  try {
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new ConformanceProblem(
              `did not finish within ${limit} ms: a call hangs (does every request have a timeout? is the platform up?)`,
            ),
          ),
        limit,
      );
    });
    const notes = await Promise.race([check.run(session), deadline]);
    return result('passed', undefined, notes ?? [], Date.now() - started);
  } catch (error) {
    const problem =
      error instanceof ConformanceProblem
        ? error.message
        : `the connector threw ${describeError(error)} where the check expected it to succeed`;
    return result('failed', problem, [], Date.now() - started);
  } finally {
    clearTimeout(timer);
  }
}

function checkTarget<Options>(target: ConnectorConformanceTarget<Options>): void {
  const plugin = target?.plugin as ConnectorPlugin<Options> | undefined;
  if (!plugin || plugin.kind !== 'connector' || typeof plugin.create !== 'function') {
    throw new Error(
      'runConnectorConformance: target.plugin must be a connector plugin (the default export of your plugin, made with defineConnector)',
    );
  }
  if (typeof target.startPlatform !== 'function') {
    throw new Error(
      `runConnectorConformance(${plugin.name}): target.startPlatform must be a function that starts the platform (or your fake) and answers { options, injectFault, posts, close }`,
    );
  }
  const unknown = Object.keys(target.skip ?? {}).filter(
    (name) => !(CONFORMANCE_CHECKS as readonly string[]).includes(name),
  );
  if (unknown.length > 0) {
    throw new Error(
      `runConnectorConformance(${plugin.name}): target.skip names unknown checks ${unknown.join(', ')}; the checks are ${CONFORMANCE_CHECKS.join(', ')}`,
    );
  }
}

/** The options through the plugin's own schema, as the host does (defaults applied); a refusal names the paths. */
async function validatedOptions<Options>(
  plugin: ConnectorPlugin<Options>,
  options: Options,
): Promise<Options> {
  if (!plugin.options) {
    return options;
  }
  const validated = await plugin.options['~standard'].validate(options);
  if (validated.issues) {
    const problems = validated.issues.map(
      (issue) =>
        `${(issue.path ?? []).map((part) => (typeof part === 'object' ? String(part.key) : String(part))).join('.') || '(options)'}: ${issue.message}`,
    );
    throw new Error(
      `runConnectorConformance(${plugin.name}): the platform's options fail the plugin's options schema: ${problems.join('; ')}. Fix ConformancePlatform.options in startPlatform`,
    );
  }
  return validated.value;
}

import { formatConformanceReport } from './format-report';
import {
  CONFORMANCE_CHECKS,
  type ConformanceReport,
  type ConnectorConformanceTarget,
} from './conformance-types';
import { runConnectorConformance } from './run-conformance';

type Body = () => void | Promise<void>;
interface TestGlobals {
  describe(name: string, body: () => void): void;
  it: ((name: string, body: Body) => void) & { skip(name: string, body: Body): void };
  beforeAll(body: Body, timeoutMs?: number): void;
}

/** Room for starting the platform and every check. */
const SUITE_TIMEOUT_MS = 300_000;

/**
 * Declares the suite in the test runner (Jest, or Vitest with `globals: true`): one test per check, a failing test
 * carrying the check's problem; skipped checks show as skipped. Not a fit for node:test; use
 * runConnectorConformance there.
 */
export function describeConnectorConformance<Options>(
  name: string,
  target: ConnectorConformanceTarget<Options>,
): void {
  const globals = globalThis as unknown as Partial<TestGlobals>;
  const { describe, it, beforeAll } = globals;
  if (!describe || !it || !beforeAll) {
    throw new Error(
      'describeConnectorConformance needs a test runner with global describe, it and beforeAll (Jest; Vitest with globals: true); elsewhere call runConnectorConformance and assert report.passed',
    );
  }
  describe(name, () => {
    let report: ConformanceReport | undefined;
    let failure: unknown;
    beforeAll(async () => {
      try {
        report = await runConnectorConformance(target);
      } catch (error) {
        failure = error;
      }
    }, SUITE_TIMEOUT_MS);
    for (const check of CONFORMANCE_CHECKS) {
      const skipped = target.skip?.[check];
      if (skipped !== undefined) {
        it.skip(`${check} (skipped: ${skipped})`, () => undefined);
        continue;
      }
      it(check, () => {
        if (!report) {
          throw failure instanceof Error
            ? failure
            : new Error(`the conformance run did not start: ${String(failure)}`);
        }
        const result = report.checks.find((candidate) => candidate.name === check);
        if (result?.status === 'failed') {
          throw new Error(`${check}: ${result.problem}\n\n${formatConformanceReport(report)}`);
        }
      });
    }
  });
}

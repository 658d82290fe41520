/**
 * The connector conformance kit (`metronome/plugin-sdk/testing`): the standard suite every connector, built-in or
 * custom, passes. Kept out of the main SDK barrel: plugins import it from their tests only.
 */
export * from './conformance-types';
export { runConnectorConformance } from './run-conformance';
export { describeConnectorConformance } from './describe-conformance';
export { formatConformanceReport } from './format-report';
export {
  createTestPluginContext,
  createFetchHttpClient,
  type CapturedLogLine,
  type TestPluginContext,
  type TestPluginContextOptions,
} from './test-plugin-context';
export { createMemoryStateStore } from './memory-state-store';
export { createMemoryCredentials, type MemoryCredentials } from './memory-credentials';
export { createFaultProxy, DEFAULT_FAULT_ANSWERS, type FaultAnswers, type FaultProxy } from './fault-proxy';

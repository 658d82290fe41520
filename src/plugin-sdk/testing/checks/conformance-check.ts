import type { Connector, ConnectorCapabilities } from '../../connector';
import type { ConformanceSession } from '../conformance-session';
import type { ConformanceCheckName } from '../conformance-types';

/** One named check of the kit. */
export interface ConformanceCheck {
  name: ConformanceCheckName;
  /** What the check proves, in a sentence. */
  title: string;
  /** Only for connectors declaring this capability (otherwise "not applicable"). */
  capability?: keyof ConnectorCapabilities;
  /** Connector methods the check cannot run without ("not run" when missing: capabilities-match-methods fails). */
  methods?: Array<keyof Connector>;
  /** Checks whose failure makes this one meaningless ("not run" until they pass). */
  after?: ConformanceCheckName[];
  /** Why the check does not apply to this target, if it does not (beyond the capability). */
  notApplicable?(session: ConformanceSession<unknown>): string | undefined;
  /** Throws ConformanceProblem when the connector fails; returns notes (findings that are not failures). */
  run(session: ConformanceSession<unknown>): Promise<string[] | void>;
}

import { fitsLimits, measureText, type TextLimits } from '../../text-limits';
import {
  ConformanceProblem,
  describeError,
  isSdkError,
  type ConformanceSession,
} from '../conformance-session';
import type { ConformanceCheck } from './conformance-check';

/** The most characters a plain ASCII text may have under the limits (one grapheme and one byte each). */
function plainTextLimit(limits: TextLimits): number | undefined {
  const bounds = [limits.graphemes, limits.bytes].filter((bound): bound is number => bound !== undefined);
  return bounds.length > 0 ? Math.min(...bounds) : undefined;
}

/** The run's marker, padded with words to exactly `length` characters as the SDK counts them. */
function textOfLength(session: ConformanceSession<unknown>, label: string, length: number): string {
  const marker = session.text(label);
  if (marker.length > length) {
    throw new ConformanceProblem(
      `the declared text limit of ${length} characters is shorter than a test post`,
    );
  }
  let text = marker;
  while (text.length < length) {
    text += text.length + 1 === length ? '.' : ' x';
  }
  return text.slice(0, length);
}

export const textLimit: ConformanceCheck = {
  name: 'text-limit',
  title: 'a text of exactly the declared limit publishes; one over is refused',
  capability: 'publish',
  methods: ['publish'],
  after: ['publish-signature'],
  notApplicable: ({ plugin }) =>
    plainTextLimit(plugin.capabilities.text ?? {}) === undefined
      ? 'capabilities.text declares no graphemes or bytes limit (the core cannot check posts at import)'
      : undefined,
  async run(session) {
    const limits = session.plugin.capabilities.text ?? {};
    const limit = plainTextLimit(limits) as number;
    const exact = textOfLength(session, 'limit-exact', limit);
    const over = `${textOfLength(session, 'limit-over', limit)}x`;
    // The core's own import check, with the SDK's counting: exact fits, one more does not.
    if (!fitsLimits(measureText(exact, limits), limits) || fitsLimits(measureText(over, limits), limits)) {
      throw new ConformanceProblem(
        `the declared limits ${JSON.stringify(limits)} do not measure a ${limit}-character text as fitting and one more as over: declare graphemes and bytes as the platform counts them`,
      );
    }
    const request = session.request('limit-exact', exact);
    let result;
    try {
      result = await session.publish(request);
    } catch (error) {
      if (error instanceof ConformanceProblem) {
        throw error;
      }
      throw new ConformanceProblem(
        `a text of exactly the declared limit (${limit} characters) was refused (${describeError(error)}): the core lets such posts through at import, so declare the limit the platform really has`,
      );
    }
    await session.expectOnePost(request, result, 'after publishing a text of exactly the limit');

    // The core refuses the longer text at import; how the connector meets it anyway only informs.
    const overRequest = session.request('limit-over', over);
    try {
      const accepted = await session.publish(overRequest);
      await session.connector.delete?.(accepted.remoteId);
      return [
        `the platform accepted ${limit + 1} characters: the declared limit of ${limit} is conservative (the core refuses longer posts at import)`,
      ];
    } catch (error) {
      if (error instanceof ConformanceProblem) {
        throw error;
      }
      if (!isSdkError(error, 'PermanentError')) {
        throw new ConformanceProblem(
          `a text over the declared limit must be refused with PermanentError (refusedByPlatform), not ${describeError(error)}: anything else is retried`,
        );
      }
      return [];
    }
  },
};

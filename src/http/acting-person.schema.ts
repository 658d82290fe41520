import { z } from 'zod';

const RENAMED = ['person', 'by'];

/**
 * The body of an API action taken as someone: the caller's token says who; `onBehalfOf` names another
 * person, for admin tokens only. The old `person`/`by` fields are refused with what replaced them.
 */
export function actionBody<Shape extends z.ZodRawShape>(shape: Shape) {
  return z.strictObject(
    {
      ...shape,
      onBehalfOf: z
        .string()
        .min(1)
        .optional()
        .meta({
          description:
            'Admin tokens only: the person (a `people:` id) this action is taken for; the audit records it as on behalf. ' +
            'Without it the action is taken as the token’s person.',
        }),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys' && issue.keys.some((key) => RENAMED.includes(key))
          ? `${issue.keys.map((key) => `"${key}"`).join(', ')}: the token's person takes the action now; ` +
            'an admin token names someone else in "onBehalfOf"'
          : undefined,
    },
  );
}

/** An action with nothing in its body but who takes it. */
export const actorOnlyBody = actionBody({});

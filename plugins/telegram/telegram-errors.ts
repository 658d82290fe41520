import {
  needsReconnect,
  neverSent,
  outcomeUnknown,
  rateLimited,
  refusedByPlatform,
  retryAtFromHeaders,
  transientFailure,
  z,
} from '../../src/plugin-sdk';

/**
 * The Bot API's answer (https://core.telegram.org/bots/api#making-requests): `{ ok: true, result }`, or
 * `{ ok: false, error_code, description, parameters?: { retry_after?, migrate_to_chat_id? } }`.
 */
export const botAnswerSchema = z.object({
  ok: z.boolean(),
  result: z.unknown().optional(),
  error_code: z.number().int().optional(),
  description: z.string().optional(),
  parameters: z
    .object({ retry_after: z.number().optional(), migrate_to_chat_id: z.number().optional() })
    .optional(),
});

export type BotAnswer = z.infer<typeof botAnswerSchema>;

/** What the bot needs to post in a channel, said once for every "rights" answer. */
export const ADMIN_FIX =
  'add the bot to the channel as an administrator with the "Post Messages" right (and "Delete Messages" to delete), then run `metronome channels reconnect`';

/** What a call is, for messages people read, and whether it creates a message (a lost answer may have posted). */
export interface CallKind {
  what: string;
  creates: boolean;
}

/**
 * An answer that is not `ok` (or a non-2xx status) as the SDK's error. 429 waits exactly `retry_after` seconds;
 * 401 (token revoked) and rights problems wait for a person; other 4xx refuse the post; a 5xx on a send may have
 * posted (outcome unknown), except 503; a 5xx on a read is transient.
 */
export function failureOf(
  status: number,
  answer: BotAnswer | undefined,
  now: Date,
  call: CallKind,
  headers: Record<string, string> = {},
): Error {
  const code = answer?.error_code ?? status;
  const description = answer?.description ?? `HTTP ${status}`;
  const said = `Telegram answered ${code} "${description}" while ${call.what}`;
  if (code === 429 || status === 429) {
    const seconds = answer?.parameters?.retry_after;
    // retry_after (ResponseParameters) is whole seconds: waiting exactly that long is what Telegram asks.
    const resetAt =
      typeof seconds === 'number' && seconds >= 0
        ? new Date(now.getTime() + Math.ceil(seconds) * 1000)
        : (retryAtFromHeaders(headers, now) ?? new Date(now.getTime() + 60_000));
    return rateLimited(`${said}; sending again at ${resetAt.toISOString()}`, resetAt);
  }
  // A revoked token answers 401; a token of no bot at all answers 404 "Not Found" for every method.
  if (code === 401 || (code === 404 && /^not found$/i.test(description.trim()))) {
    return needsReconnect(
      `${said}: the bot token was refused (revoked or regenerated in @BotFather?); set the new token (TELEGRAM_BOT_TOKEN) and run \`metronome channels reconnect\``,
    );
  }
  if (
    code === 403 ||
    /not enough rights|need administrator rights|chat_admin_required|have no rights/i.test(description)
  ) {
    return needsReconnect(`${said}: ${ADMIN_FIX}`);
  }
  if (code === 400 && /chat not found/i.test(description)) {
    return needsReconnect(
      `${said}: check options.chat ("@channelusername" or the numeric id) and ${ADMIN_FIX}`,
    );
  }
  if (answer?.parameters?.migrate_to_chat_id !== undefined) {
    return refusedByPlatform(
      code,
      `${description}: the group became a supergroup; set options.chat to "${answer.parameters.migrate_to_chat_id}"`,
    );
  }
  if (code >= 400 && code < 500) {
    return refusedByPlatform(code, `${description} (while ${call.what})`);
  }
  if (call.creates && code !== 503 && status !== 503) {
    return outcomeUnknown(`${said}; the message may have been posted`);
  }
  return transientFailure(`${said}; trying again later`);
}

/** No answer: a send that may have arrived is an unknown outcome; anything else (or never sent) is transient. */
export function unanswered(error: unknown, call: CallKind): Error {
  const reason = error instanceof Error ? error.message : String(error);
  return call.creates && !neverSent(error)
    ? outcomeUnknown(
        `Telegram did not answer while ${call.what}; the message may have been posted: ${reason}`,
        {
          cause: error,
        },
      )
    : transientFailure(`Telegram could not be reached while ${call.what}: ${reason}`, { cause: error });
}

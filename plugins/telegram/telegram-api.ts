import { randomBytes } from 'node:crypto';
import type { PluginContext, PluginHttpResponse } from '../../src/plugin-sdk';
import { botAnswerSchema, failureOf, unanswered, type BotAnswer, type CallKind } from './telegram-errors';
import type { TelegramOptions } from './telegram-options.schema';

/** A file sent with a request as `multipart/form-data` ("attach://<name>" names it in the parameters). */
export interface UploadFile {
  field: string;
  filename: string;
  mimeType: string;
  bytes: Uint8Array;
}

export interface BotCall extends CallKind {
  /** The Bot API method, e.g. "sendMessage". */
  method: string;
  params: Record<string, unknown>;
  /** Files to upload: the call goes as multipart/form-data, objects in `params` as JSON strings. */
  files?: UploadFile[];
  /** Error answers that are fine (a message to delete already gone): answered as undefined. */
  alsoFine?: (answer: BotAnswer) => boolean;
}

/**
 * The Bot API (https://core.telegram.org/bots/api#making-requests): POST `<apiUrl>/bot<token>/<method>` with JSON, or
 * multipart/form-data when files are uploaded. The token is in the path: it never appears in a message or a log.
 */
export class TelegramApi {
  constructor(
    private readonly context: PluginContext,
    private readonly options: TelegramOptions,
  ) {}

  /** Calls a method and answers its `result`, or undefined for an answer `alsoFine` accepts. */
  async call<T = unknown>(call: BotCall): Promise<T | undefined> {
    const url = `${this.options.apiUrl.replace(/\/$/, '')}/bot${this.options.botToken}/${call.method}`;
    const { body, contentType } = call.files?.length
      ? multipart(call.params, call.files)
      : { body: JSON.stringify(call.params), contentType: 'application/json' };
    let response: PluginHttpResponse;
    let text: string;
    try {
      response = await this.context.http.request(url, {
        method: 'POST',
        headers: { 'content-type': contentType, accept: 'application/json' },
        body,
        timeoutMs: call.files?.length ? Math.max(this.options.timeoutMs, 60_000) : this.options.timeoutMs,
      });
      text = await response.text();
    } catch (error) {
      throw unanswered(error, call);
    }
    let answer: BotAnswer | undefined;
    try {
      const parsed = botAnswerSchema.safeParse(JSON.parse(text));
      answer = parsed.success ? parsed.data : undefined;
    } catch {
      answer = undefined;
    }
    if (answer?.ok === true && response.status >= 200 && response.status < 300) {
      return answer.result as T;
    }
    if (answer && answer.ok === false && call.alsoFine?.(answer)) {
      return undefined;
    }
    if (!answer && response.status >= 200 && response.status < 300) {
      // 2xx without the Bot API's envelope: not Telegram (a captive portal, a wrong apiUrl). Posted or not, unknown.
      throw failureOf(502, undefined, this.context.clock.now(), {
        ...call,
        what: `${call.what} (the answer was not the Bot API's JSON: is apiUrl "${this.options.apiUrl}" a Bot API server?)`,
      });
    }
    throw failureOf(response.status, answer, this.context.clock.now(), call, response.headers);
  }
}

/** A multipart/form-data body (RFC 7578): each parameter as a field (objects as JSON), then the files. */
export function multipart(
  params: Record<string, unknown>,
  files: UploadFile[],
): { body: Uint8Array; contentType: string } {
  const boundary = `metronome-${randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = [];
  const quoted = (value: string) => value.replace(/["\r\n\\]/g, '_');
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) {
      continue;
    }
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${text}\r\n`,
        'utf8',
      ),
    );
  }
  for (const file of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(file.field)}"; filename="${quoted(file.filename)}"\r\nContent-Type: ${file.mimeType}\r\n\r\n`,
        'utf8',
      ),
      Buffer.from(file.bytes),
      Buffer.from('\r\n', 'utf8'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
  const body = Buffer.concat(parts);
  return {
    body: new Uint8Array(body.buffer, body.byteOffset, body.length),
    contentType: `multipart/form-data; boundary=${boundary}`,
  };
}

import type { ServerResponse } from 'node:http';
import { OutcomeScript, RecordingHttpServer, type RecordedRequest } from './recording-http.server';

export type TeamsOutcome =
  | { ok: true }
  | { throttled: { retryAfterSeconds: number } }
  | { unauthorized: true }
  | { workflowNotFound: true }
  | { serverError: 500 | 502 | 503 };

const PATH = '/workflows/0f0f0f0f/triggers/manual/paths/invoke';
const SIGNATURE = 'fakeSasSignature_0123456789';

interface TeamsBody {
  type?: unknown;
  attachments?: Array<{
    contentType?: unknown;
    content?: { type?: unknown; version?: unknown; body?: unknown };
  }>;
}

/**
 * A Teams Workflows ("Post to a channel when a webhook request is received") trigger: 202 Accepted for a
 * message with an Adaptive Card attachment; 400 `{ error: { code } }` when the body does not match the
 * template; 401 without the URL's `sig`; scripted 429 with Retry-After, 404 WorkflowNotFound and 5xx.
 */
export class TeamsWorkflowFake extends RecordingHttpServer {
  private readonly script = new OutcomeScript<TeamsOutcome>();

  willAnswer(...outcomes: TeamsOutcome[]): this {
    this.script.push(...outcomes);
    return this;
  }

  get webhookUrl(): string {
    return `${this.baseUrl}${PATH}?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${SIGNATURE}`;
  }

  get signature(): string {
    return SIGNATURE;
  }

  protected respond(request: RecordedRequest, res: ServerResponse): void {
    const url = new URL(request.url, this.baseUrl);
    if (url.pathname !== PATH) {
      return this.send(res, 404, {
        error: { code: 'WorkflowNotFound', message: 'The workflow was not found.' },
      });
    }
    if (url.searchParams.get('sig') !== SIGNATURE) {
      return this.send(res, 401, {
        error: { code: 'DirectApiAuthorizationRequired', message: 'The request must be authenticated.' },
      });
    }
    const problem = bodyProblem(request.body);
    if (problem) {
      return this.send(res, 400, { error: { code: 'InvalidRequestContent', message: problem } });
    }
    const outcome = this.script.next({ ok: true });
    if ('ok' in outcome) {
      return this.send(res, 202);
    }
    if ('throttled' in outcome) {
      return this.send(
        res,
        429,
        { error: { code: 'WorkflowRequestsThrottled', message: 'Rate limit is exceeded.' } },
        { 'retry-after': String(outcome.throttled.retryAfterSeconds) },
      );
    }
    if ('unauthorized' in outcome) {
      return this.send(res, 401, {
        error: { code: 'DirectApiAuthorizationRequired', message: 'Unauthorized.' },
      });
    }
    if ('workflowNotFound' in outcome) {
      return this.send(res, 404, {
        error: { code: 'WorkflowNotFound', message: 'The workflow was not found.' },
      });
    }
    this.send(res, outcome.serverError, { error: { code: 'BadGateway', message: 'Try again later.' } });
  }
}

function bodyProblem(raw: string): string | undefined {
  let body: TeamsBody;
  try {
    body = JSON.parse(raw) as TeamsBody;
  } catch {
    return 'The request content is not valid JSON.';
  }
  const card = body.attachments?.[0];
  if (body.type !== 'message' || !card) {
    return 'Expected { type: "message", attachments: [...] }.';
  }
  if (
    card.contentType !== 'application/vnd.microsoft.card.adaptive' ||
    card.content?.type !== 'AdaptiveCard'
  ) {
    return 'The attachment must be an Adaptive Card.';
  }
  return Array.isArray(card.content.body) ? undefined : 'The Adaptive Card has no body.';
}

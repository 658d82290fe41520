import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { Clock } from '../clock/clock';
import { PermanentError, type PluginHttpResponse, type PluginWebhookRequest } from '../plugin-sdk';
import { WebhookTargetPolicy } from './webhook-target.policy';
import { standardWebhookHeaders } from './webhook-signature';

const DEFAULT_TIMEOUT_MS = 15_000;
const MAX_REDIRECTS = 3;
/** Receivers answer with a status and a short message; nothing larger is kept. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/** A target the policy refuses: permanent, since retrying cannot change where a name points for long. */
export class WebhookTargetRefusedError extends PermanentError {}

/**
 * POSTs webhooks to operator-configured URLs without letting them reach inside the network (SSRF):
 * the host's addresses are checked when they are resolved, and the connection goes to the checked address
 * (no second lookup a DNS rebinding could change); IP literals are checked before connecting; redirects
 * (307/308, which keep the method and body) are followed up to 3 times and each hop is checked the same
 * way; other redirects are returned as the answer. Connections are not pooled, so a policy change
 * applies to the next request.
 */
export class OutboundWebhookClient {
  constructor(
    private readonly policy: () => WebhookTargetPolicy,
    private readonly userAgent: string,
    /** Stamps the signature's webhook-timestamp. */
    private readonly clock: Clock,
  ) {}

  async post(url: string, request: PluginWebhookRequest): Promise<PluginHttpResponse> {
    const timeoutMs = request.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const headers: Record<string, string> = {
      'user-agent': this.userAgent,
      ...request.headers,
      ...(request.signing
        ? standardWebhookHeaders(request.signing.secret, request.signing.id, request.body, this.clock.now())
        : {}),
    };
    const signal = AbortSignal.timeout(timeoutMs);
    let target = parseTarget(url);
    for (let hop = 0; ; hop++) {
      const answer = await this.send(target, headers, request.body, signal, timeoutMs);
      const location = answer.headers.location;
      if ((answer.status === 307 || answer.status === 308) && location && hop < MAX_REDIRECTS) {
        target = parseTarget(new URL(location, target).toString());
        continue;
      }
      return answer;
    }
  }

  private send(
    target: URL,
    headers: Record<string, string>,
    body: string,
    signal: AbortSignal,
    timeoutMs: number,
  ): Promise<PluginHttpResponse> {
    const policy = this.policy();
    const hostname = target.hostname.replace(/^\[|\]$/g, '');
    const trusted = policy.allowsHost(hostname);
    if (!trusted && isIP(hostname)) {
      const why = policy.refusal(hostname);
      if (why) {
        return Promise.reject(refused(target, why));
      }
    }
    const payload = Buffer.from(body);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const outgoing = send(
        target,
        {
          method: 'POST',
          headers: { ...headers, 'content-length': String(payload.byteLength) },
          lookup: trusted ? undefined : checkedLookup(policy, target),
          agent: false,
          signal,
        },
        (response) => {
          collect(response).then(resolve, reject);
        },
      );
      outgoing.on('error', (error: NodeJS.ErrnoException) => {
        if (error instanceof WebhookTargetRefusedError) {
          reject(error);
        } else if (error.name === 'AbortError' || signal.aborted) {
          reject(new Error(`POST ${target.origin}: timed out after ${timeoutMs} ms`, { cause: error }));
        } else {
          reject(new Error(`POST ${target.origin}: ${error.message}`, { cause: error }));
        }
      });
      outgoing.end(payload);
    });
  }
}

function parseTarget(url: string): URL {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new PermanentError('the webhook URL is not a URL');
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new PermanentError(`webhook URLs are http:// or https://, not ${target.protocol}`);
  }
  return target;
}

function refused(target: URL, why: string): WebhookTargetRefusedError {
  return new WebhookTargetRefusedError(
    `webhook target ${target.host} refused: ${why}. Metronome sends webhooks to public addresses only; ` +
      `to call an internal receiver, list it under network.allowInternalTargets (e.g. "${target.hostname}")`,
  );
}

/** dns.lookup, then every address it returns must pass the policy (a mixed answer is refused whole). */
function checkedLookup(policy: WebhookTargetPolicy, target: URL): LookupFunction {
  return (hostname: string, options: LookupOptions, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) {
        callback(error, '', 4);
        return;
      }
      for (const { address } of addresses) {
        const why = policy.refusal(address);
        if (why) {
          callback(
            refused(target, `${hostname} resolves to ${why.replace(/^[^ ]+ is /, `${address}, `)}`),
            '',
            4,
          );
          return;
        }
      }
      if (options.all) {
        (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, addresses);
      } else {
        callback(null, addresses[0].address, addresses[0].family);
      }
    });
  };
}

async function collect(response: IncomingMessage): Promise<PluginHttpResponse> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    const buffer = chunk as Buffer;
    if (size < MAX_RESPONSE_BYTES) {
      chunks.push(buffer.subarray(0, MAX_RESPONSE_BYTES - size));
    }
    size += buffer.byteLength;
  }
  const body = Buffer.concat(chunks);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) {
      headers[name] = Array.isArray(value) ? value.join(', ') : value;
    }
  }
  return {
    status: response.statusCode ?? 0,
    headers,
    text: () => Promise.resolve(body.toString('utf8')),
    json: <T>() => Promise.resolve(JSON.parse(body.toString('utf8')) as T),
    bytes: () => Promise.resolve(new Uint8Array(body)),
  };
}

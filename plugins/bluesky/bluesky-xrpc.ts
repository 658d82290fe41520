import {
  neverSent,
  type PluginClock,
  type PluginHttpClient,
  type PluginHttpResponse,
  type PluginLogger,
} from '../../src/plugin-sdk';
import { NoAnswerError, XrpcError, readXrpcError, toSdkError } from './bluesky-errors';
import type { BlueskyOptions } from './bluesky-options.schema';

/** Ordinary calls. Blob uploads get longer (see bluesky-media.ts). */
export const CALL_TIMEOUT_MS = 15_000;

export interface XrpcCall {
  /** A query is GET with `params`; a procedure is POST with a JSON `body` or raw `bytes`. */
  kind: 'query' | 'procedure';
  nsid: string;
  params?: Record<string, string | number | undefined>;
  body?: unknown;
  bytes?: { data: Uint8Array; contentType: string };
  /** false for the calls that need no session (createSession, refreshSession carry their own). */
  auth?: boolean;
  timeoutMs?: number;
}

interface Session {
  accessJwt: string;
  refreshJwt: string;
  did: string;
  handle: string;
}

/** Token errors a refresh can cure: the access token expired, or the PDS no longer knows it. */
const REFRESHABLE = new Set(['ExpiredToken', 'InvalidToken']);

/**
 * XRPC calls to one account's PDS over the plugin context's HTTP client, signed in with an app password
 * (`com.atproto.server.createSession`). The session lives in memory only and is never logged. An access token
 * the PDS calls expired is refreshed with the refresh token (`com.atproto.server.refreshSession`); when that
 * fails too, the connector signs in again, then repeats the call once (the PDS refused it before doing anything).
 */
export class BlueskyXrpc {
  readonly host: string;
  /** How messages name the account: "acme.bsky.social on bsky.social". */
  readonly account: string;
  private session?: Promise<Session>;

  constructor(
    private readonly http: PluginHttpClient,
    private readonly clock: PluginClock,
    private readonly logger: PluginLogger,
    private readonly options: BlueskyOptions,
  ) {
    this.host = new URL(options.service).host;
    this.account = `${options.identifier} on ${this.host}`;
  }

  /** The signed-in account's DID and handle (signs in when there is no session yet). */
  async identity(what: string): Promise<{ did: string; handle: string }> {
    const { did, handle } = await this.currentSession(what);
    return { did, handle };
  }

  /**
   * Makes a call and returns its JSON answer. Throws XrpcError for an answer that is not 2xx (after a token
   * refresh where one helps), NoAnswerError when nothing came back, and the SDK's error when signing in fails.
   */
  async call<T>(call: XrpcCall, what: string): Promise<T> {
    if (call.auth === false) {
      return this.readJson<T>(await this.checked(await this.send(call, undefined)), call);
    }
    let session = await this.currentSession(what);
    let response = await this.send(call, session.accessJwt);
    if (response.status === 400 || response.status === 401) {
      const error = await readXrpcError(response);
      if (!error.error || !REFRESHABLE.has(error.error)) {
        throw error;
      }
      session = await this.renew(session, what);
      response = await this.send(call, session.accessJwt);
    }
    return this.readJson<T>(await this.checked(response), call);
  }

  /** The SDK's error for a failed call: what the core reads to decide between retry, wait and give up. */
  sdkError(error: XrpcError, what: string): Error {
    return toSdkError(error, what, this.account, this.clock.now());
  }

  private currentSession(what: string): Promise<Session> {
    this.session ??= this.signIn(what);
    const pending = this.session;
    // A failed sign-in is not kept: the next call tries again.
    pending.catch(() => {
      if (this.session === pending) {
        this.session = undefined;
      }
    });
    return pending;
  }

  private async signIn(what: string): Promise<Session> {
    try {
      const session = await this.call<Session>(
        {
          kind: 'procedure',
          nsid: 'com.atproto.server.createSession',
          body: { identifier: this.options.identifier, password: this.options.appPassword },
          auth: false,
        },
        'signing in',
      );
      this.logger.info('signed in to Bluesky', { did: session.did, handle: session.handle, pds: this.host });
      return session;
    } catch (error) {
      throw error instanceof XrpcError ? this.sdkError(error, `signing in (for ${what})`) : error;
    }
  }

  /**
   * A new session from the refresh token, else from the app password. A call that finds its token expired
   * after another call already renewed it takes the renewed session.
   */
  private async renew(expired: Session, what: string): Promise<Session> {
    const current = await this.session?.catch(() => undefined);
    if (current && current.accessJwt !== expired.accessJwt) {
      return current;
    }
    const renewing = this.refresh(expired).catch(() => {
      this.logger.info('the Bluesky session could not be refreshed; signing in again', { pds: this.host });
      return this.signIn(what);
    });
    this.session = renewing;
    renewing.catch(() => {
      if (this.session === renewing) {
        this.session = undefined;
      }
    });
    return renewing;
  }

  private async refresh(expired: Session): Promise<Session> {
    const call: XrpcCall = { kind: 'procedure', nsid: 'com.atproto.server.refreshSession' };
    return this.readJson<Session>(await this.checked(await this.send(call, expired.refreshJwt)), call);
  }

  private async send(call: XrpcCall, token: string | undefined): Promise<PluginHttpResponse> {
    const url = new URL(`/xrpc/${call.nsid}`, this.options.service);
    for (const [name, value] of Object.entries(call.params ?? {})) {
      if (value !== undefined) {
        url.searchParams.set(name, String(value));
      }
    }
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) {
      headers.authorization = `Bearer ${token}`;
    }
    let body: string | Uint8Array | undefined;
    if (call.bytes) {
      headers['content-type'] = call.bytes.contentType;
      body = call.bytes.data;
    } else if (call.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(call.body);
    }
    const method = call.kind === 'query' ? 'GET' : 'POST';
    try {
      return await this.http.request(url.toString(), {
        method,
        headers,
        body,
        timeoutMs: call.timeoutMs ?? CALL_TIMEOUT_MS,
      });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new NoAnswerError(
        `Bluesky (${this.account}) did not answer ${call.nsid}: ${reason}`,
        !neverSent(error),
        {
          cause: error,
        },
      );
    }
  }

  private async checked(response: PluginHttpResponse): Promise<PluginHttpResponse> {
    if (response.status < 200 || response.status > 299) {
      throw await readXrpcError(response);
    }
    return response;
  }

  private async readJson<T>(response: PluginHttpResponse, call: XrpcCall): Promise<T> {
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw new NoAnswerError(
        `Bluesky (${this.account}) stopped answering ${call.nsid} mid-body: ${(error as Error).message}`,
        true,
        { cause: error },
      );
    }
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new Error(
        `Bluesky (${this.account}) answered ${call.nsid} with something that is not JSON (is "service" the address of a PDS?)`,
      );
    }
  }
}

import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Where the changes of the running request come from, so every audit row it writes records the API token
 * without each service passing it down. The HTTP layer opens it per request and closes it when the request
 * is answered: a timer or lazily started loop created during the request, which would inherit the async
 * context, then writes rows without it.
 */
export interface AuditOrigin {
  apiTokenId: string;
  /** The person (or "service:<name>") the request acts as, once resolved. */
  actor?: string;
  /** Set when an admin token acts on behalf of `actor`: the token's own identity. */
  onBehalfBy?: string;
  open: boolean;
}

const storage = new AsyncLocalStorage<AuditOrigin>();

export const auditOrigin = {
  run<T>(origin: AuditOrigin, work: () => T): T {
    return storage.run(origin, work);
  },
  /** The open origin of the current request, if any. */
  current(): AuditOrigin | undefined {
    const origin = storage.getStore();
    return origin?.open ? origin : undefined;
  },
};

/** The columns an audit row written now takes from the request it belongs to. */
export function originColumns(actor: string): { apiTokenId: string | null; onBehalfBy: string | null } {
  const origin = auditOrigin.current();
  if (!origin) {
    return { apiTokenId: null, onBehalfBy: null };
  }
  return {
    apiTokenId: origin.apiTokenId,
    // Only the acting person's rows are "on behalf"; a rule the change set off acts as itself.
    onBehalfBy: origin.onBehalfBy && origin.actor === actor ? origin.onBehalfBy : null,
  };
}

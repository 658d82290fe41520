import type { LoadedConfig } from '../config/config.loader';
import type { Notifier } from '../plugin-sdk';
import type { NotifierAddressing } from './notification-recipients.resolver';

/** A notifier plugin instance and the configuration it was made from. */
export interface ActiveNotifier {
  notifier: Notifier;
  plugin: string;
  addressing: NotifierAddressing;
  loaded: LoadedConfig;
}

interface Entry {
  ready: Promise<ActiveNotifier>;
  inFlight: number;
  retired: boolean;
}

/**
 * One instance per notifier id, made on first use. After a config reload the instances are retired: new
 * sends get fresh ones (new options, new secrets) while sends still running finish on the old instance,
 * which is closed once idle. A failed creation is not cached, so fixing the config is enough to recover.
 */
export class NotifierInstanceCache {
  private readonly current = new Map<string, Entry>();
  private readonly closing = new Set<Promise<void>>();

  constructor(
    private readonly create: (notifierId: string) => Promise<ActiveNotifier>,
    private readonly onCloseError: (notifierId: string, error: unknown) => void,
  ) {}

  async use<T>(notifierId: string, work: (active: ActiveNotifier) => Promise<T>): Promise<T> {
    const entry = this.current.get(notifierId) ?? this.start(notifierId);
    entry.inFlight += 1;
    try {
      return await work(await entry.ready);
    } finally {
      entry.inFlight -= 1;
      if (entry.retired && entry.inFlight === 0) {
        this.close(notifierId, entry);
      }
    }
  }

  /** Called on config reload: the next send of every notifier gets a new instance. */
  retireAll(): void {
    for (const [notifierId, entry] of this.current) {
      entry.retired = true;
      if (entry.inFlight === 0) {
        this.close(notifierId, entry);
      }
    }
    this.current.clear();
  }

  /** Closes every idle instance now and waits for those closes (sends still running close when done). */
  async closeAll(): Promise<void> {
    this.retireAll();
    await Promise.all([...this.closing]);
  }

  private start(notifierId: string): Entry {
    const entry: Entry = { ready: this.create(notifierId), inFlight: 0, retired: false };
    this.current.set(notifierId, entry);
    entry.ready.catch(() => {
      if (this.current.get(notifierId) === entry) {
        this.current.delete(notifierId);
      }
    });
    return entry;
  }

  private close(notifierId: string, entry: Entry): void {
    const closing = entry.ready
      .then(
        (active) => active.notifier.close?.(),
        // A creation that failed has nothing to close (and was reported to the send that needed it).
        () => undefined,
      )
      .catch((error: unknown) => this.onCloseError(notifierId, error));
    this.closing.add(closing);
    void closing.finally(() => this.closing.delete(closing));
  }
}

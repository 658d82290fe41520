import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { FSWatcher, statSync, watch } from 'node:fs';
import { basename, dirname, extname } from 'node:path';
import { formatConfigIssue, sortConfigIssues } from './config-issue';
import { ConfigLoadResult, loadConfiguration, LoadedConfig, summarizeConfig } from './config.loader';

export type ConfigListener = (loaded: LoadedConfig) => void | Promise<void>;

/** A reload that was refused: when, why it was attempted, and its problems as logged (System page). */
export interface RejectedReload {
  at: Date;
  reason: string;
  issues: string[];
}

/**
 * Holds the configuration in force. A reload (SIGHUP or a file change) replaces it only when the new
 * one is valid; otherwise the running configuration stays and the problems are logged.
 */
@Injectable()
export class ConfigService implements OnModuleDestroy {
  private readonly logger = new Logger('Config');
  private readonly listeners: ConfigListener[] = [];
  private watcher?: FSWatcher;
  private debounce?: NodeJS.Timeout;
  private readonly onSighup = () => void this.reload('SIGHUP');
  private rejected?: RejectedReload;

  constructor(
    private current: LoadedConfig,
    private readonly configPath: string,
  ) {}

  get loaded(): LoadedConfig {
    return this.current;
  }

  /** The last refused reload of this process, until a later reload is accepted (its problems are then fixed). */
  get lastRejectedReload(): RejectedReload | undefined {
    return this.rejected;
  }

  onReload(listener: ConfigListener): void {
    this.listeners.push(listener);
  }

  /** Starts listening for SIGHUP and for edits to the config file or folder. */
  watchForChanges(): void {
    process.on('SIGHUP', this.onSighup);
    // Watch the folder, not the file: editors save by replacing the file, which ends a watch on it.
    const isFolder = statSync(this.configPath).isDirectory();
    const folder = isFolder ? this.configPath : dirname(this.configPath);
    const relevant = (name: string | null) =>
      name !== null &&
      (isFolder ? ['.yaml', '.yml'].includes(extname(name)) : name === basename(this.configPath));
    try {
      this.watcher = watch(folder, { persistent: false }, (_event, name) => {
        if (!relevant(name)) {
          return;
        }
        clearTimeout(this.debounce);
        this.debounce = setTimeout(() => void this.reload('file change'), 300);
      });
    } catch (error) {
      this.logger.warn(
        `cannot watch ${this.configPath} (${(error as Error).message}); reload with SIGHUP instead`,
      );
    }
  }

  async reload(reason: string): Promise<ConfigLoadResult> {
    let result: ConfigLoadResult;
    try {
      result = await loadConfiguration(this.configPath);
    } catch (error) {
      // A reload runs from a signal or a file watch: whatever goes wrong, the running config stays in force.
      const message = `configuration reload (${reason}) failed unexpectedly, keeping revision ${this.current.revisionHash.slice(0, 12)}: ${(error as Error).stack ?? String(error)}`;
      this.logger.error(message);
      this.rejected = { at: new Date(), reason, issues: [message] };
      return { ok: false, issues: [{ path: [], message }], notes: [] };
    }
    if (!result.ok) {
      const issues = sortConfigIssues(result.issues).map(formatConfigIssue);
      this.logger.error(
        `configuration reload (${reason}) rejected, keeping revision ${this.current.revisionHash.slice(0, 12)}:\n` +
          issues.join('\n'),
      );
      this.rejected = { at: new Date(), reason, issues };
      return result;
    }
    this.rejected = undefined;
    if (
      result.loaded.revisionHash === this.current.revisionHash &&
      result.loaded.pluginCodeHash === this.current.pluginCodeHash &&
      // Secrets are outside the revision hash (no secret enters it): a renewed secret file is a change too.
      result.loaded.secretsHash === this.current.secretsHash
    ) {
      return result;
    }
    const reimported = result.loaded.plugins
      .all()
      .filter((plugin) => {
        // A connector and a notifier may share a name (`discord`): the same plugin is the same kind and name.
        const before = this.current.plugins
          .all()
          .find((old) => old.name === plugin.name && old.kind === plugin.kind);
        return before !== undefined && before.codeHash !== plugin.codeHash;
      })
      .map((plugin) => `${plugin.name} ${plugin.version ?? '?'} (${plugin.status})`);
    this.current = result.loaded;
    this.logger.log(
      `configuration reloaded (${reason}): ${summarizeConfig(result.loaded)}` +
        (reimported.length > 0 ? `; plugin code imported again: ${reimported.join(', ')}` : ''),
    );
    for (const listener of this.listeners) {
      try {
        await listener(result.loaded);
      } catch (error) {
        this.logger.error(
          `after reloading the configuration, a listener failed: ${(error as Error).stack ?? String(error)}`,
        );
      }
    }
    return result;
  }

  onModuleDestroy(): void {
    process.off('SIGHUP', this.onSighup);
    clearTimeout(this.debounce);
    this.watcher?.close();
  }
}

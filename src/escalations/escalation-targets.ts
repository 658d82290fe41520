import type { MetronomeConfig } from '../config/schema/metronome-config.schema';
import type { PluginRegistry } from '../plugin-host/plugin-registry';

export interface Delivery {
  notifier: string;
  /** Person ids for the notifier to address; empty for a notifier target (a team channel). */
  to: string[];
  target: string;
}

/**
 * Turns policy targets into deliveries. A notifier target posts to that notifier as-is (a Slack channel,
 * a webhook). A person is reached on every notifier they have an address for, as the notifier plugin
 * declares: by e-mail, or by `handles.<notifier id>`.
 */
export function deliveriesFor(
  config: MetronomeConfig,
  plugins: PluginRegistry,
  targets: string[],
): { deliveries: Delivery[]; unreachable: string[] } {
  const deliveries: Delivery[] = [];
  const unreachable: string[] = [];
  for (const target of targets) {
    if (config.notifiers[target]) {
      deliveries.push({ notifier: target, to: [], target });
      continue;
    }
    const person = config.people[target];
    const notifiers = Object.entries(config.notifiers)
      .filter(([id, notifier]) => {
        const addressing = plugins.find('notifier', notifier.plugin)?.addressing ?? 'handle';
        return addressing === 'email'
          ? !!person?.email
          : addressing === 'handle' && person?.handles[id] !== undefined;
      })
      .map(([id]) => id);
    if (notifiers.length === 0) {
      unreachable.push(target);
    }
    notifiers.forEach((notifier) => deliveries.push({ notifier, to: [target], target }));
  }
  return { deliveries, unreachable };
}

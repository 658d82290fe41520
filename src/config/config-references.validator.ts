import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { validatePluginOptions } from '../plugin-host/plugin-options.validator';
import { PluginRegistry } from '../plugin-host/plugin-registry';
import type { PluginKind } from '../plugin-sdk';
import { notifyActionIssues } from '../rules/notify-action.validator';
import { compileCondition } from '../rules/rule-condition.compiler';
import { ConfigIssue } from './config-issue';
import { MergedConfig } from './config-merger';
import { didYouMean } from './did-you-mean';
import type { KnownIds } from './partial-config.parser';
import type { MetronomeConfig } from './schema/metronome-config.schema';

type Path = Array<string | number>;

/**
 * Checks what a schema cannot: that every id refers to something defined, that plugins exist and accept
 * their options, that content folders exist, and that every rule condition compiles against its facts.
 */
export class ConfigReferencesValidator {
  private readonly issues: ConfigIssue[] = [];

  constructor(
    private readonly config: MetronomeConfig,
    private readonly merged: MergedConfig,
    private readonly plugins: PluginRegistry,
    private readonly baseDir: string,
    /** For a partly valid config: ids as written, and where each kept rule stands in the written list. */
    private readonly partial?: { ids: KnownIds; ruleIndexes: number[] },
  ) {}

  async validate(): Promise<ConfigIssue[]> {
    const { config } = this;
    const people = this.partial?.ids.people ?? Object.keys(config.people);
    const notifiers = this.partial?.ids.notifiers ?? Object.keys(config.notifiers);
    const policies = this.partial?.ids.policies ?? Object.keys(config.escalations);

    for (const [id, person] of Object.entries(config.people)) {
      for (const handle of Object.keys(person.handles)) {
        this.expectOneOf(['people', id, 'handles', handle], handle, notifiers, 'notifier', true);
      }
    }
    for (const [id, notifier] of Object.entries(config.notifiers)) {
      await this.checkPlugin(['notifiers', id], 'notifier', notifier.plugin, notifier.options);
    }
    for (const [id, policy] of Object.entries(config.escalations)) {
      policy.levels.forEach((level, i) =>
        level.targets.forEach((target, j) =>
          this.expectOneOf(
            ['escalations', id, 'levels', i, 'targets', j],
            target,
            [...people, ...notifiers],
            'person or notifier',
          ),
        ),
      );
    }
    for (const [brandId, brand] of Object.entries(config.brands)) {
      const base: Path = ['brands', brandId];
      const channels = Object.keys(brand.channels);
      this.expectOneOf([...base, 'owner'], brand.owner, people, 'person');
      if (brand.content && !existsSync(resolve(this.baseDir, brand.content.folder))) {
        this.add(
          [...base, 'content', 'folder'],
          `folder "${brand.content.folder}" does not exist (relative to ${this.baseDir}): create it or fix the path`,
        );
      }
      for (const [chainId, chain] of Object.entries(brand.approvals)) {
        chain.steps.forEach((step, i) =>
          step.approvers.forEach((approver, j) =>
            this.expectOneOf(
              [...base, 'approvals', chainId, 'steps', i, 'approvers', j],
              approver,
              people,
              'person',
            ),
          ),
        );
      }
      for (const [channelId, channel] of Object.entries(brand.channels)) {
        const path: Path = [...base, 'channels', channelId];
        if (channel.approval) {
          this.expectOneOf(
            [...path, 'approval'],
            channel.approval,
            Object.keys(brand.approvals),
            `approval chain of brand "${brandId}"`,
          );
        }
        await this.checkPlugin(path, 'connector', channel.connector, channel.options, 'connector');
      }
      for (const [campaignId, campaign] of Object.entries(brand.campaigns)) {
        campaign.channels?.forEach((c, i) =>
          this.expectOneOf([...base, 'campaigns', campaignId, 'channels', i], c, channels, 'channel'),
        );
        if (campaign.starts && campaign.ends && campaign.ends < campaign.starts) {
          this.add(
            [...base, 'campaigns', campaignId, 'ends'],
            `campaign ends (${campaign.ends}) before it starts (${campaign.starts})`,
          );
        }
      }
      for (const [kpiId, kpi] of Object.entries(brand.kpis)) {
        kpi.channels?.forEach((c, i) =>
          this.expectOneOf([...base, 'kpis', kpiId, 'channels', i], c, channels, 'channel'),
        );
      }
      if (brand.reports) {
        await this.checkPlugin(
          [...base, 'reports'],
          'report-template',
          brand.reports.template,
          brand.reports.templateOptions,
          'template',
          'templateOptions',
        );
        brand.reports.delivery.forEach((delivery, i) => {
          if ('email' in delivery) {
            this.expectOneOf(
              [...base, 'reports', 'delivery', i, 'email', 'notifier'],
              delivery.email.notifier,
              notifiers,
              'notifier',
            );
            delivery.email.to.forEach((to, j) => {
              if (!to.includes('@')) {
                this.expectOneOf([...base, 'reports', 'delivery', i, 'email', 'to', j], to, people, 'person');
              }
            });
          }
        });
      }
    }
    config.rules.forEach((rule, position) => this.checkRule(position, rule, { people, notifiers, policies }));
    for (const [guard, override] of Object.entries(config.guards)) {
      if (override && override.escalate) {
        this.expectOneOf(['guards', guard, 'escalate'], override.escalate, policies, 'escalation policy');
      }
    }
    return this.issues;
  }

  /** Where a rule kept in `config.rules` stands in the list as written. */
  private writtenIndex(position: number): number {
    return this.partial?.ruleIndexes[position] ?? position;
  }

  private checkRule(
    position: number,
    rule: MetronomeConfig['rules'][number],
    ids: { people: string[]; notifiers: string[]; policies: string[] },
  ): void {
    const path: Path = ['rules', this.writtenIndex(position)];
    const first = this.config.rules.findIndex((other) => other.name === rule.name);
    if (first !== position) {
      this.add(
        [...path, 'name'],
        `duplicate rule name "${rule.name}" (also rules[${this.writtenIndex(first)}]): names must be unique`,
      );
    }
    if (rule.on && rule.every) {
      this.add([...path, 'every'], 'a rule has either "on" (an event) or "every" (a schedule), not both');
    } else if (!rule.on && !rule.every) {
      this.add(path, 'a rule needs a trigger: add "on: <event>" or "every: <duration>"');
    }
    rule.brands?.forEach((brand, j) =>
      this.expectOneOf(
        [...path, 'brands', j],
        brand,
        this.partial?.ids.brands ?? Object.keys(this.config.brands),
        'brand',
      ),
    );
    rule.then.forEach((action, j) => {
      const at: Path = [...path, 'then', j];
      if ('escalate' in action) {
        this.expectOneOf([...at, 'escalate'], action.escalate, ids.policies, 'escalation policy');
      } else if ('notify' in action) {
        this.expectOneOf([...at, 'notify', 'notifier'], action.notify.notifier, ids.notifiers, 'notifier');
        action.notify.to.forEach((person, k) =>
          this.expectOneOf([...at, 'notify', 'to', k], person, ids.people, 'person'),
        );
        this.issues.push(
          ...notifyActionIssues(this.merged, [...at, 'notify'], action.notify, rule.on ?? 'schedule'),
        );
      } else if ('assign' in action) {
        this.expectOneOf([...at, 'assign'], action.assign, ids.people, 'person');
      }
    });
    const compiled = compileCondition(rule.when, rule.on ?? 'schedule');
    if (!compiled.ok) {
      this.issues.push(
        this.merged.issueWithin(
          [...path, 'when'],
          compiled.offset,
          `condition does not compile: ${compiled.message} (facts for "${rule.on ?? 'every'}" are listed in README "Rule facts")`,
        ),
      );
    }
  }

  private async checkPlugin(
    path: Path,
    kind: PluginKind,
    name: string,
    options: unknown,
    nameField = 'plugin',
    optionsField = 'options',
  ): Promise<void> {
    const plugin = this.plugins.find(kind, name);
    if (!plugin) {
      const failure = this.plugins.failure(name);
      this.add(
        [...path, nameField],
        failure
          ? `${kind} plugin "${name}" failed to load: ${failure}`
          : `unknown ${kind} "${name}"${didYouMean(name, this.plugins.names(kind))} (available: ${this.plugins.names(kind).join(', ') || 'none'})`,
      );
      return;
    }
    const result = await validatePluginOptions(plugin, options);
    if (!result.ok) {
      for (const problem of result.problems) {
        this.add([...path, optionsField, ...problem.path], `${kind} "${name}": ${problem.message}`);
      }
    }
  }

  private expectOneOf(path: Path, value: string, known: string[], what: string, atKey = false): void {
    if (!known.includes(value)) {
      const hint =
        didYouMean(value, known) ||
        (known.length === 0
          ? ' (none is defined)'
          : known.length <= 8
            ? ` (defined: ${known.join(', ')})`
            : '');
      this.add(path, `unknown ${what} "${value}"${hint}`, atKey);
    }
  }

  private add(path: Path, message: string, atKey = false): void {
    this.issues.push(this.merged.issue(path, message, atKey));
  }
}

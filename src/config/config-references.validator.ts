import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConfiguredPluginOptions } from '../plugin-host/configured-plugin-options';
import { validatePluginOptions } from '../plugin-host/plugin-options.validator';
import { PluginRegistry } from '../plugin-host/plugin-registry';
import type { PluginKind } from '../plugin-sdk';
import { notifyActionIssues } from '../rules/notify-action.validator';
import { compileCondition, RuleTrigger } from '../rules/rule-condition.compiler';
import { ConfigIssue } from './config-issue';
import { MergedConfig } from './config-merger';
import { didYouMean } from './did-you-mean';
import { RULE_EVENTS } from './schema/rules.schema';
import { entriesOf, isRecord, keysOf, listOf, recordOf, textOf } from './written-config.reader';

type Path = Array<string | number>;

/** Ids that exist in the configuration as written, whether or not their entries are valid. */
export interface KnownIds {
  people: string[];
  notifiers: string[];
  policies: string[];
  brands: string[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Checks what a schema cannot: that every id refers to something defined, that plugins exist and accept
 * their options, that content folders exist, and that every rule condition compiles against its facts.
 * It reads the configuration as written, so an entry the schema rejects still has its references checked.
 */
export class ConfigReferencesValidator {
  private readonly issues: ConfigIssue[] = [];

  constructor(
    private readonly merged: MergedConfig,
    private readonly ids: KnownIds,
    private readonly plugins: PluginRegistry,
    private readonly baseDir: string,
    /** Receives each plugin's parsed options, to be handed to the plugin (absent for a losing duplicate). */
    private readonly parsedOptions?: ConfiguredPluginOptions,
  ) {}

  async validate(): Promise<ConfigIssue[]> {
    const { data } = this.merged;
    const { people, notifiers, policies } = this.ids;
    for (const [id, person] of entriesOf(data.people)) {
      for (const handle of keysOf(person.handles)) {
        this.expectOneOf(['people', id, 'handles', handle], handle, notifiers, 'notifier', true);
      }
    }
    for (const [id, notifier] of entriesOf(data.notifiers)) {
      await this.checkPlugin(['notifiers', id], 'notifier', notifier.plugin, notifier.options);
    }
    for (const [id, policy] of entriesOf(data.escalations)) {
      listOf(policy.levels).forEach((level, i) =>
        listOf(isRecord(level) ? level.targets : undefined).forEach((target, j) =>
          this.expectOneOf(
            ['escalations', id, 'levels', i, 'targets', j],
            target,
            [...people, ...notifiers],
            'person or notifier',
          ),
        ),
      );
    }
    for (const [brandId, brand] of entriesOf(data.brands)) {
      await this.checkBrand(brandId, brand);
    }
    listOf(data.rules).forEach((rule, index) => {
      if (isRecord(rule)) {
        this.checkRule(index, rule);
      }
    });
    for (const [guard, override] of entriesOf(data.guards)) {
      if (override.escalate !== undefined) {
        this.expectOneOf(['guards', guard, 'escalate'], override.escalate, policies, 'escalation policy');
      }
    }
    return this.issues;
  }

  private async checkBrand(brandId: string, brand: Record<string, unknown>): Promise<void> {
    const { people, notifiers } = this.ids;
    const base: Path = ['brands', brandId];
    const channels = keysOf(brand.channels);
    this.expectOneOf([...base, 'owner'], brand.owner, people, 'person');
    for (const person of keysOf(brand.roles)) {
      this.expectOneOf([...base, 'roles', person], person, people, 'person', true);
    }
    const folder = textOf(recordOf(brand.content).folder);
    if (folder && !existsSync(resolve(this.baseDir, folder))) {
      this.add(
        [...base, 'content', 'folder'],
        `folder "${folder}" does not exist (relative to ${this.baseDir}): create it or fix the path`,
      );
    }
    for (const [chainId, chain] of entriesOf(brand.approvals)) {
      listOf(chain.steps).forEach((step, i) =>
        listOf(isRecord(step) ? step.approvers : undefined).forEach((approver, j) =>
          this.expectOneOf(
            [...base, 'approvals', chainId, 'steps', i, 'approvers', j],
            approver,
            people,
            'person',
          ),
        ),
      );
    }
    for (const [channelId, channel] of entriesOf(brand.channels)) {
      const path: Path = [...base, 'channels', channelId];
      if (channel.approval !== undefined) {
        this.expectOneOf(
          [...path, 'approval'],
          channel.approval,
          keysOf(brand.approvals),
          `approval chain of brand "${brandId}"`,
        );
      }
      await this.checkPlugin(path, 'connector', channel.connector, channel.options, 'connector');
      this.checkProfileMode(path, channel);
    }
    for (const [campaignId, campaign] of entriesOf(brand.campaigns)) {
      listOf(campaign.channels).forEach((c, i) =>
        this.expectOneOf([...base, 'campaigns', campaignId, 'channels', i], c, channels, 'channel'),
      );
      const starts = textOf(campaign.starts);
      const ends = textOf(campaign.ends);
      if (starts && ends && DATE.test(starts) && DATE.test(ends) && ends < starts) {
        this.add(
          [...base, 'campaigns', campaignId, 'ends'],
          `campaign ends (${ends}) before it starts (${starts})`,
        );
      }
    }
    for (const [kpiId, kpi] of entriesOf(brand.kpis)) {
      listOf(kpi.channels).forEach((c, i) =>
        this.expectOneOf([...base, 'kpis', kpiId, 'channels', i], c, channels, 'channel'),
      );
    }
    if (isRecord(brand.reports)) {
      const reports = brand.reports;
      await this.checkPlugin(
        [...base, 'reports'],
        'report-template',
        reports.template ?? 'standard',
        reports.templateOptions,
        'template',
        'templateOptions',
      );
      listOf(reports.delivery).forEach((delivery, i) => {
        const email = isRecord(delivery) && isRecord(delivery.email) ? delivery.email : undefined;
        if (!email) {
          return;
        }
        const at: Path = [...base, 'reports', 'delivery', i, 'email'];
        this.expectOneOf([...at, 'notifier'], email.notifier, notifiers, 'notifier');
        listOf(email.to).forEach((to, j) => {
          if (typeof to === 'string' && !to.includes('@')) {
            this.expectOneOf([...at, 'to', j], to, people, 'person');
          }
        });
      });
    }
  }

  private checkRule(index: number, rule: Record<string, unknown>): void {
    const { people, notifiers, policies } = this.ids;
    const path: Path = ['rules', index];
    const name = textOf(rule.name);
    const rules = listOf(this.merged.data.rules);
    const first = rules.findIndex((other) => isRecord(other) && other.name === name);
    if (name !== undefined && first !== index) {
      this.add(
        [...path, 'name'],
        `duplicate rule name "${name}" (also rules[${first}]): names must be unique`,
      );
    }
    if (rule.on !== undefined && rule.every !== undefined) {
      this.add([...path, 'every'], 'a rule has either "on" (an event) or "every" (a schedule), not both');
    } else if (rule.on === undefined && rule.every === undefined) {
      this.add(path, 'a rule needs a trigger: add "on: <event>" or "every: <duration>"');
    }
    listOf(rule.brands).forEach((brand, j) =>
      this.expectOneOf([...path, 'brands', j], brand, this.ids.brands, 'brand'),
    );
    listOf(rule.then).forEach((action, j) => {
      if (!isRecord(action)) {
        return;
      }
      const at: Path = [...path, 'then', j];
      if ('escalate' in action) {
        this.expectOneOf([...at, 'escalate'], action.escalate, policies, 'escalation policy');
      } else if (isRecord(action.notify)) {
        this.expectOneOf([...at, 'notify', 'notifier'], action.notify.notifier, notifiers, 'notifier');
        listOf(action.notify.to).forEach((person, k) =>
          this.expectOneOf([...at, 'notify', 'to', k], person, people, 'person'),
        );
        const trigger = rule.on === undefined ? 'schedule' : RULE_EVENTS.find((event) => event === rule.on);
        if (trigger !== undefined) {
          this.issues.push(
            ...notifyActionIssues(
              this.merged,
              [...at, 'notify'],
              { message: textOf(action.notify.message), template: textOf(action.notify.template) },
              trigger,
            ),
          );
        }
      } else if ('assign' in action) {
        this.expectOneOf([...at, 'assign'], action.assign, people, 'person');
      }
    });
    this.checkCondition(path, rule);
  }

  /** Compiles the condition against its trigger's facts; an unknown trigger is the schema's to report. */
  private checkCondition(path: Path, rule: Record<string, unknown>): void {
    const when = rule.when === undefined ? 'true' : textOf(rule.when);
    const trigger: RuleTrigger | undefined =
      rule.on === undefined ? 'schedule' : RULE_EVENTS.find((event) => event === rule.on);
    if (when === undefined || trigger === undefined || when === '') {
      return;
    }
    const compiled = compileCondition(when, trigger);
    if (!compiled.ok) {
      this.issues.push(
        this.merged.issueWithin(
          [...path, 'when'],
          compiled.offset,
          `condition does not compile: ${compiled.message} (facts for "${trigger === 'schedule' ? 'every' : trigger}" are listed in README "Rule facts")`,
        ),
      );
    }
  }

  private async checkPlugin(
    path: Path,
    kind: PluginKind,
    name: unknown,
    options: unknown,
    nameField = 'plugin',
    optionsField = 'options',
  ): Promise<void> {
    if (typeof name !== 'string' || name === '') {
      return;
    }
    const plugin = this.plugins.find(kind, name);
    if (!plugin) {
      const failure = this.plugins.failure(name, kind);
      this.add(
        [...path, nameField],
        failure
          ? `${kind} plugin "${name}" failed to load: ${failure}`
          : `unknown ${kind} "${name}"${didYouMean(name, this.plugins.names(kind))} (available: ${this.plugins.names(kind).join(', ') || 'none'})`,
      );
      return;
    }
    if (options !== undefined && !isRecord(options)) {
      return;
    }
    const result = await validatePluginOptions(plugin, options ?? {});
    this.parsedOptions?.keep([...path, optionsField], plugin, result);
    if (!result.ok) {
      for (const problem of result.problems) {
        this.add([...path, optionsField, ...problem.path], `${kind} "${name}": ${problem.message}`);
      }
    }
  }

  /** `profile.mode: enforce` needs a connector that can change profiles (`updateProfile`). */
  private checkProfileMode(path: Path, channel: Record<string, unknown>): void {
    const profile = recordOf(channel.profile);
    if (profile.mode !== 'enforce' || typeof channel.connector !== 'string') {
      return;
    }
    const plugin = this.plugins.find('connector', channel.connector);
    if (plugin && !plugin.capabilities.updateProfile) {
      this.add(
        [...path, 'profile', 'mode'],
        `connector "${channel.connector}" cannot change profiles (no \`updateProfile\` capability): use mode: report, or a connector that can`,
      );
    }
  }

  /** Reports an id that is not defined; a value that is not a string at all is the schema's to report. */
  private expectOneOf(path: Path, value: unknown, known: string[], what: string, atKey = false): void {
    if (typeof value !== 'string' || known.includes(value)) {
      return;
    }
    const hint =
      didYouMean(value, known) ||
      (known.length === 0
        ? ' (none is defined)'
        : known.length <= 8
          ? ` (defined: ${known.join(', ')})`
          : '');
    this.add(path, `unknown ${what} "${value}"${hint}`, atKey);
  }

  private add(path: Path, message: string, atKey = false): void {
    this.issues.push(this.merged.issue(path, message, atKey));
  }
}

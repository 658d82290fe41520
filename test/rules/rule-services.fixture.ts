import type { DataSource } from 'typeorm';
import type { ConfigService } from '../../src/config/config.service';
import type { PostStateService } from '../../src/content/post-state.service';
import type { IncidentService } from '../../src/escalations/incident.service';
import type { NotificationSender } from '../../src/escalations/notification-sender';
import type { TransactionalEvents } from '../../src/events/transactional-events';
import { NotificationTemplateRenderer } from '../../src/notifications/notification-template.renderer';
import { TransactionContext } from '../../src/persistence/transaction-context';
import { GuardRuleRunner } from '../../src/rules/guard-rule.runner';
import { RuleActionPostRepository } from '../../src/rules/rule-action-post.repository';
import { RuleActionExecutor } from '../../src/rules/rule-action.executor';
import { RuleActions } from '../../src/rules/rule-actions';
import { RuleFactsBuilder } from '../../src/rules/rule-facts.builder';
import { RuleFactsRepository } from '../../src/rules/rule-facts.repository';
import { CycleRepository } from '../../src/cycles/cycle.repository';
import { RuleFiringRepository } from '../../src/rules/rule-firing.repository';
import { WebhookTargets } from '../../src/webhooks/webhook-targets.service';

/**
 * The rule services built by hand on one database, for suites that wire them to hand-built content and
 * escalation services (RulesModule provides the same in the application).
 */
export function ruleActionExecutor(
  dataSource: DataSource,
  config: ConfigService,
  incidents: IncidentService,
  states: PostStateService,
  events: TransactionalEvents,
  sender: NotificationSender,
): RuleActionExecutor {
  const transactions = new TransactionContext(dataSource);
  return new RuleActionExecutor(
    config,
    incidents,
    states,
    events,
    new RuleActionPostRepository(transactions),
    sender,
    new NotificationTemplateRenderer(),
    new WebhookTargets(config),
  );
}

export function ruleActions(
  dataSource: DataSource,
  config: ConfigService,
  executor: RuleActionExecutor,
): RuleActions {
  const transactions = new TransactionContext(dataSource);
  return new RuleActions(
    new RuleFiringRepository(transactions),
    new RuleFactsRepository(transactions, new CycleRepository(transactions)),
    config,
    executor,
  );
}

export function ruleFactsBuilder(dataSource: DataSource): RuleFactsBuilder {
  return new RuleFactsBuilder(ruleFactsRepository(dataSource));
}

export function guardRuleRunner(
  dataSource: DataSource,
  config: ConfigService,
  incidents: IncidentService,
): GuardRuleRunner {
  return new GuardRuleRunner(ruleFactsRepository(dataSource), config, incidents);
}

export function ruleFactsRepository(dataSource: DataSource): RuleFactsRepository {
  const transactions = new TransactionContext(dataSource);
  return new RuleFactsRepository(transactions, new CycleRepository(transactions));
}

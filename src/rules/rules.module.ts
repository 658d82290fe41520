import { Module } from '@nestjs/common';
import { ContentModule } from '../content/content.module';
import { CycleRepository } from '../cycles/cycle.repository';
import { CycleService } from '../cycles/cycle.service';
import { EscalationsModule } from '../escalations/escalations.module';
import { GuardRuleRunner } from './guard-rule.runner';
import { CompiledRules } from './compiled-rules';
import { RuleActionExecutor } from './rule-action.executor';
import { RuleActionPostRepository } from './rule-action-post.repository';
import { RuleActions } from './rule-actions';
import { RuleBatchEvaluator } from './rule-batch.evaluator';
import { RuleFiringRepository } from './rule-firing.repository';
import { RuleEngine } from './rule.engine';
import { RuleFactsBuilder } from './rule-facts.builder';
import { RuleFactsRepository } from './rule-facts.repository';
import { RulesScheduler } from './rules.scheduler';

/** The rule engine: YAML rules on events, guard rules and `every:` rules on the tick, escalations. */
@Module({
  imports: [ContentModule, EscalationsModule],
  providers: [
    RuleFactsBuilder,
    RuleActionExecutor,
    RuleActions,
    CompiledRules,
    RuleEngine,
    RuleBatchEvaluator,
    RuleFiringRepository,
    RuleFactsRepository,
    RuleActionPostRepository,
    GuardRuleRunner,
    CycleService,
    CycleRepository,
  ],
  exports: [RuleEngine, RuleActions, RuleBatchEvaluator, RuleFactsBuilder, GuardRuleRunner, CycleService],
})
export class RulesModule {}

/** The scheduler role's clock for rules, guards, cycles and escalations. */
@Module({ imports: [RulesModule, EscalationsModule], providers: [RulesScheduler] })
export class RulesSchedulerModule {}

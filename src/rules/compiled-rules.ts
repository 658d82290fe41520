import { Injectable } from '@nestjs/common';
import { ConfigService } from '../config/config.service';
import type { RuleConfig } from '../config/schema/metronome-config.schema';
import { compileCondition, CompiledCondition } from './rule-condition.compiler';

/** Each rule's condition, compiled once per loaded config; a reload starts afresh. */
@Injectable()
export class CompiledRules {
  private readonly compiled = new Map<string, CompiledCondition>();

  constructor(private readonly config: ConfigService) {
    this.config.onReload(() => this.compiled.clear());
  }

  condition(rule: RuleConfig): CompiledCondition {
    let evaluate = this.compiled.get(rule.name);
    if (!evaluate) {
      const result = compileCondition(rule.when, rule.on ?? 'schedule');
      // The config was validated at load, so this only fails if the fact model changed underneath it.
      evaluate = result.ok ? result.evaluate : () => false;
      this.compiled.set(rule.name, evaluate);
    }
    return evaluate;
  }

  /** Enabled rules for a trigger that apply to the brand. */
  forEvent(trigger: RuleConfig['on'], brandId: string): RuleConfig[] {
    return this.config.loaded.config.rules.filter(
      (rule) => rule.enabled && rule.on === trigger && (!rule.brands || rule.brands.includes(brandId)),
    );
  }
}

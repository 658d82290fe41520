import Handlebars from 'handlebars';
import type { RuleEvent } from '../config/schema/rules.schema';
import { formatBrandTime } from '../notifications/brand-time.format';
import { FACT_TYPES, factsFor } from './rule-facts';

type Trigger = RuleEvent | 'schedule';
type Node = { type: string; loc?: { start: { line: number; column: number } } } & Record<string, unknown>;

export type MessageCheck = { ok: true } | { ok: false; message: string; offset: number };

/** Blocks that change what `{{field}}` means inside them: their insides are not checked against facts. */
const CONTEXT_BLOCKS = new Set(['each', 'with']);
const BUILT_IN_HELPERS = new Set(['if', 'unless', 'each', 'with', 'lookup', 'log']);

/**
 * Checks a notify `message` when the config loads: it must parse as Handlebars and every value it names
 * must be a fact of the rule's trigger (README "Rule facts"), so `{{post.titel}}` fails `validate` at its
 * place instead of sending an e-mail with a hole in it.
 */
export function checkNotifyMessage(source: string, trigger: Trigger): MessageCheck {
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(source);
  } catch (error) {
    const e = error as { message: string; lineNumber?: number; column?: number };
    const line = e.lineNumber ?? /on line (\d+)/.exec(e.message)?.[1];
    return {
      ok: false,
      message: `message is not a valid template: ${e.message.split('\n')[0]}`,
      offset: offsetOf(source, Number(line ?? 1), e.column ?? 0),
    };
  }
  const facts = factsFor(trigger);
  const problems: Array<{ message: string; offset: number }> = [];
  const checkPath = (path: Node) => {
    const parts = path.parts as string[];
    if (path.data || (path.depth as number) > 0 || parts.length === 0) {
      return;
    }
    const [name, field] = parts;
    const offset = offsetOf(source, path.loc?.start.line ?? 1, path.loc?.start.column ?? 0);
    const type = facts[name];
    if (type === undefined) {
      problems.push({
        message: `message names "${parts.join('.')}", which is not a fact of ${trigger === 'schedule' ? '"every:" rules' : `"${trigger}"`} (facts: ${Object.keys(facts).join(', ')})`,
        offset,
      });
      return;
    }
    const fields = FACT_TYPES[type];
    if (fields && field === undefined) {
      problems.push({
        message: `"${name}" is a group of facts: name one of them, e.g. {{${name}.${Object.keys(fields)[0]}}}`,
        offset,
      });
    } else if (fields && !Object.hasOwn(fields, field)) {
      problems.push({
        message: `"${name}" has no fact "${field}" (it has: ${Object.keys(fields).join(', ')})`,
        offset,
      });
    }
  };
  const walk = (node: Node | undefined | null, checking: boolean): void => {
    if (!node) {
      return;
    }
    switch (node.type) {
      case 'Program':
        (node.body as Node[]).forEach((child) => walk(child, checking));
        return;
      case 'MustacheStatement':
      case 'SubExpression':
      case 'BlockStatement': {
        const path = node.path as Node;
        const params = (node.params as Node[]) ?? [];
        const isHelper = path.type === 'PathExpression' && BUILT_IN_HELPERS.has((path.parts as string[])[0]);
        if (checking && !isHelper && params.length === 0) {
          walk(path, checking);
        } else if (!isHelper && checking && path.type === 'PathExpression') {
          problems.push({
            message: `message uses "${(path.parts as string[]).join('.')}", which is not a helper: only if, unless, each, with and lookup are`,
            offset: offsetOf(source, path.loc?.start.line ?? 1, path.loc?.start.column ?? 0),
          });
        }
        params.forEach((param) => walk(param, checking));
        const inner = checking && isHelper && !CONTEXT_BLOCKS.has((path.parts as string[])[0]);
        walk(node.program as Node, inner);
        walk(node.inverse as Node, inner);
        return;
      }
      case 'PathExpression':
        if (checking) {
          checkPath(node);
        }
        return;
      default:
        return;
    }
  };
  walk(ast as unknown as Node, true);
  return problems.length > 0 ? { ok: false, ...problems[0] } : { ok: true };
}

function offsetOf(source: string, line: number, column: number): number {
  const lines = source.split('\n');
  return lines.slice(0, Math.max(0, line - 1)).reduce((sum, text) => sum + text.length + 1, 0) + column;
}

const compiled = new Map<string, HandlebarsTemplateDelegate>();

/**
 * The message as people read it: plain text (the e-mail's HTML part escapes it as a whole), facts shown as
 * people write them — times in the brand's zone with its abbreviation, counts as numbers.
 */
export function renderNotifyMessage(source: string, facts: Record<string, unknown>, zone: string): string {
  let template = compiled.get(source);
  if (!template) {
    template = Handlebars.compile(source, { noEscape: true, strict: false });
    compiled.set(source, template);
  }
  return template(forPeople(facts, zone)).trim();
}

/** Facts converted for display: Date → "2026-12-04 09:15 GMT", BigInt → number, lists kept. */
export function forPeople(value: unknown, zone: string): unknown {
  if (value instanceof Date) {
    return value.getTime() === 0 ? '' : formatBrandTime(value, zone);
  }
  if (typeof value === 'bigint') {
    return Number(value);
  }
  if (Array.isArray(value)) {
    return value.map((item) => forPeople(item, zone));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, forPeople(item, zone)]));
  }
  return value;
}

/** What each fact group shows in a notification when the condition does not name it. */
const SUBJECT_FIELDS: Record<string, string[]> = {
  post: ['title', 'state', 'publishAt', 'campaign'],
  approval: ['step', 'decision', 'by', 'dueAt'],
  inbox: ['kind', 'author', 'text', 'url'],
  channel: ['id'],
  drift: ['fields'],
};

/**
 * The facts that made a rule fire, for the notification: every fact its condition names, then the
 * subject's main facts (the post's title, the comment's author and text…). Times in the brand's zone.
 */
export function factsThatFired(
  condition: string,
  trigger: Trigger,
  facts: Record<string, unknown>,
  zone: string,
): Array<{ name: string; value: string }> {
  const available = factsFor(trigger);
  const named = [...condition.matchAll(/\b([A-Za-z_]\w*)\.([A-Za-z_]\w*)\b/g)]
    .filter(([, group]) => Object.hasOwn(available, group))
    .map(([, group, field]) => `${group}.${field}`);
  const subject = Object.keys(available)
    .filter((group) => !['now', 'brand', 'cycle'].includes(group))
    .flatMap((group) => (SUBJECT_FIELDS[group] ?? []).map((field) => `${group}.${field}`));
  const shown: Array<{ name: string; value: string }> = [];
  for (const name of [...new Set([...named, ...subject])]) {
    const [group, field] = name.split('.');
    const raw = (facts[group] as Record<string, unknown> | undefined)?.[field];
    if (raw === undefined) {
      continue;
    }
    const value = forPeople(raw, zone);
    const text = Array.isArray(value) ? value.join(', ') : String(value);
    if (text !== '') {
      shown.push({ name, value: text });
    }
  }
  return shown;
}

import type { ConfigIssue } from '../config/config-issue';
import type { MergedConfig } from '../config/config-merger';
import type { RuleEvent } from '../config/schema/rules.schema';
import { NotificationTemplateRenderer } from '../notifications/notification-template.renderer';
import { checkNotifyMessage } from './notify-message.template';

/** The template a notify action renders when it names none. */
export const DEFAULT_NOTIFY_TEMPLATE = 'rule-notify';

/**
 * Problems of a notify action that only show once the facts are known: a message that does not parse or
 * names a fact the trigger does not have, and a template that does not exist. Each at its place in the file.
 */
export function notifyActionIssues(
  merged: MergedConfig,
  path: Array<string | number>,
  notify: { message?: string; template?: string },
  trigger: RuleEvent | 'schedule',
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  if (notify.message !== undefined) {
    const checked = checkNotifyMessage(notify.message, trigger);
    if (!checked.ok) {
      issues.push(merged.issueWithin([...path, 'message'], checked.offset, checked.message));
    }
  }
  if (notify.template !== undefined) {
    const available = new NotificationTemplateRenderer().names();
    if (!available.includes(notify.template)) {
      issues.push(
        merged.issue(
          [...path, 'template'],
          `unknown notification template "${notify.template}" (templates: ${available.join(', ')})`,
        ),
      );
    }
  }
  return issues;
}

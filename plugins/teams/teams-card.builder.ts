import type { NotificationMessage } from '../../src/plugin-sdk';
import { truncate } from '../../src/plugin-sdk';

export const TEAMS_LIMITS = {
  /** Teams refuses messages over about 28 KB; this keeps even non-Latin text well inside it. */
  text: 8000,
  subject: 500,
  /** Teams shows at most six card actions; further links go into the card body. */
  actions: 6,
} as const;

const SEVERITY_COLOUR = { info: 'Default', warning: 'Warning', critical: 'Attention' } as const;

type CardElement = Record<string, unknown>;

export interface TeamsMessage {
  type: 'message';
  attachments: Array<{
    contentType: 'application/vnd.microsoft.card.adaptive';
    contentUrl: null;
    content: {
      $schema: string;
      type: 'AdaptiveCard';
      version: '1.4';
      body: CardElement[];
      actions: Array<{ type: 'Action.OpenUrl'; title: string; url: string }>;
      msteams: { width: 'Full'; entities: CardElement[] };
    };
  }>;
}

/**
 * The message format Workflows' "Post to a channel when a webhook request is received" template expects:
 * a message whose attachment is an Adaptive Card (1.4, the highest Teams renders everywhere).
 * Recipients become <at> mentions, which Teams resolves from their UPN or Entra object id.
 */
export function buildTeamsMessage(message: NotificationMessage): TeamsMessage {
  const links = message.links ?? [];
  const body: CardElement[] = [
    {
      type: 'TextBlock',
      text: truncate(message.subject, TEAMS_LIMITS.subject),
      size: 'Large',
      weight: 'Bolder',
      wrap: true,
      color: SEVERITY_COLOUR[message.severity ?? 'info'],
    },
    { type: 'TextBlock', text: truncate(message.text, TEAMS_LIMITS.text), wrap: true },
  ];
  const entities = message.to.map((recipient) => ({
    type: 'mention',
    text: `<at>${recipient.name ?? recipient.address}</at>`,
    mentioned: { id: recipient.address, name: recipient.name ?? recipient.address },
  }));
  if (entities.length > 0) {
    body.push({ type: 'TextBlock', text: `For ${entities.map((e) => e.text).join(', ')}`, wrap: true });
  }
  const extra = links.slice(TEAMS_LIMITS.actions);
  if (extra.length > 0) {
    body.push({
      type: 'TextBlock',
      text: extra.map((l) => `[${l.label}](${l.url})`).join(' · '),
      wrap: true,
    });
  }
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body,
          actions: links
            .slice(0, TEAMS_LIMITS.actions)
            .map((link) => ({ type: 'Action.OpenUrl', title: link.label, url: link.url })),
          msteams: { width: 'Full', entities },
        },
      },
    ],
  };
}

import type { NotificationMessage } from '../../src/plugin-sdk';
import { truncate } from '../../src/plugin-sdk';

/** Limits from Slack's Block Kit reference; a block over them makes Slack answer 400 invalid_blocks. */
export const SLACK_LIMITS = {
  text: 3000,
  headerText: 150,
  sectionText: 3000,
  contextText: 3000,
  buttonText: 75,
  buttonUrl: 3000,
  buttonsPerActions: 25,
} as const;

const SEVERITY_EMOJI = { info: ':information_source:', warning: ':warning:', critical: ':rotating_light:' };

type TextObject = { type: 'plain_text'; text: string; emoji?: boolean } | { type: 'mrkdwn'; text: string };

export type SlackBlock =
  | { type: 'header'; text: TextObject }
  | { type: 'section'; text: TextObject }
  | { type: 'context'; elements: TextObject[] }
  | {
      type: 'actions';
      elements: Array<{ type: 'button'; text: TextObject; url: string; action_id: string }>;
    };

export interface SlackPayload {
  /** Shown in notifications and by clients that cannot draw blocks. */
  text: string;
  blocks: SlackBlock[];
}

/**
 * Slack's message format for incoming webhooks: a fallback `text` plus blocks (header, body, recipients,
 * link buttons). Text is escaped so that "<!channel>" or "<https://evil|bank>" in a message stays literal.
 */
export function buildSlackPayload(message: NotificationMessage): SlackPayload {
  const emoji = SEVERITY_EMOJI[message.severity ?? 'info'];
  const mentions = message.to.map((recipient) => mentionOf(recipient.address)).join(' ');
  const blocks: SlackBlock[] = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: truncate(`${emoji} ${message.subject}`, SLACK_LIMITS.headerText),
        emoji: true,
      },
    },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: truncateEscaped(escapeMrkdwn(message.text || ' '), SLACK_LIMITS.sectionText),
      },
    },
  ];
  if (mentions) {
    blocks.push({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: truncate(`For ${mentions}`, SLACK_LIMITS.contextText) }],
    });
  }
  // A button URL over Slack's limit would make it refuse the whole message; such a link is left out.
  const links = (message.links ?? []).filter((link) => link.url.length <= SLACK_LIMITS.buttonUrl);
  if (links.length > 0) {
    blocks.push({
      type: 'actions',
      elements: links.slice(0, SLACK_LIMITS.buttonsPerActions).map((link, index) => ({
        type: 'button',
        text: { type: 'plain_text', text: truncate(link.label, SLACK_LIMITS.buttonText), emoji: true },
        url: link.url,
        action_id: `metronome-link-${index}`,
      })),
    });
  }
  const fallback = [mentions, escapeMrkdwn(message.subject)].filter(Boolean).join(' ');
  return { text: truncateEscaped(fallback, SLACK_LIMITS.text), blocks };
}

/** Slack user ids (U…/W…) become mentions; user-group ids (S…) group mentions; anything else stays text. */
function mentionOf(address: string): string {
  if (/^[UW][A-Z0-9]{2,}$/.test(address)) {
    return `<@${address}>`;
  }
  if (/^S[A-Z0-9]{2,}$/.test(address)) {
    return `<!subteam^${address}>`;
  }
  return escapeMrkdwn(address);
}

/** The three characters Slack's mrkdwn reserves for links and mentions. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Truncates escaped text without leaving half an entity ("&am…") behind. */
function truncateEscaped(text: string, max: number): string {
  const cut = truncate(text, max);
  return cut === text ? text : cut.replace(/&[a-z]*…$/, '…');
}

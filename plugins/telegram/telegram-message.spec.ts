import { PermanentError } from '../../src/plugin-sdk';
import {
  checkTextLength,
  linkPreviewOf,
  messageTextOf,
  planSend,
  sendOptionsOf,
  telegramLength,
} from './telegram-message';

const request = (text: string, extra: Record<string, unknown> = {}) => ({
  idempotencyKey: 'k',
  text,
  media: [],
  scheduledAt: new Date(),
  extra,
});

describe('telegram text building', () => {
  it('sends plain text as written (no parse_mode, nothing escaped): Telegram links URLs, @mentions and #tags', async () => {
    const text = 'Hello <b>world</b> & *friends* https://example.com @metronome #launch';
    const plan = await planSend(request(`  ${text}\n`), '@chan');
    expect(plan.method).toBe('sendMessage');
    expect(plan.params).toEqual({ chat_id: '@chan', text });
    expect(plan.params).not.toHaveProperty('parse_mode');
    expect(messageTextOf(' a ')).toBe('a');
  });

  it('counts in UTF-16 units, so an emoji counts 2', () => {
    expect(telegramLength('😀')).toBe(2);
    expect(() => checkTextLength('x'.repeat(4096), false)).not.toThrow();
    expect(() => checkTextLength(`${'x'.repeat(4095)}😀`, false)).toThrow(/at most 4096/);
  });

  it('limits a caption (a post with media) to 1,024', () => {
    expect(() => checkTextLength('x'.repeat(1024), true)).not.toThrow();
    expect(() => checkTextLength('x'.repeat(1025), true)).toThrow(PermanentError);
    expect(() => checkTextLength('x'.repeat(1025), true)).toThrow(/caption .* at most 1024/);
  });
});

describe('telegram per-post options (extra)', () => {
  it('maps silent and protect', () => {
    expect(sendOptionsOf({ silent: true, protect: true })).toEqual({
      disable_notification: true,
      protect_content: true,
    });
    expect(sendOptionsOf({})).toEqual({});
  });

  it('refuses an extra of the wrong type, naming it', () => {
    expect(() => sendOptionsOf({ silent: 'yes' })).toThrow(/extra.silent must be true or false/);
  });

  it('builds link_preview_options', () => {
    expect(linkPreviewOf({})).toBeUndefined();
    expect(linkPreviewOf({ linkPreview: true })).toBeUndefined();
    expect(linkPreviewOf({ linkPreview: false })).toEqual({ is_disabled: true });
    expect(
      linkPreviewOf({ linkPreview: { url: 'https://a.example/x', aboveText: true, size: 'large' } }),
    ).toEqual({
      url: 'https://a.example/x',
      show_above_text: true,
      prefer_large_media: true,
    });
  });

  it('puts the preview on a text message', async () => {
    const plan = await planSend(
      request('see https://a.example', { linkPreview: false, silent: true }),
      '-100',
    );
    expect(plan.params).toEqual({
      chat_id: '-100',
      text: 'see https://a.example',
      disable_notification: true,
      link_preview_options: { is_disabled: true },
    });
  });

  it('refuses a media type Telegram posts do not take', async () => {
    await expect(
      planSend({ ...request('x'), media: [{ path: '/nowhere.gif', mimeType: 'image/gif' }] }, '@chan'),
    ).rejects.toThrow(/JPEG, PNG or WebP photos and MP4 videos/);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { NotificationTemplateRenderer } from '../../src/notifications/notification-template.renderer';

const HOSTILE = '<script>alert("x")</script> & Tom\'s "quotes"';

/** The shipped templates in templates/notifications, rendered for e-mail (HTML) and chat (text). */
describe('notification templates', () => {
  const renderer = new NotificationTemplateRenderer();
  const incident = {
    organisation: { name: 'Demo Studio' },
    timezone: 'Europe/London',
    incident: {
      id: 'inc_42',
      title: HOSTILE,
      summary: 'Line one\nLine two',
      severity: 'critical',
      brand: 'Demo Coffee',
      openedAt: '2026-11-02T09:00:00Z',
    },
    level: { number: 2, of: 3 },
    reason: 'Nobody acknowledged within 2h.',
    links: [
      { label: 'Acknowledge', url: 'https://metronome.example/ack/42' },
      { label: 'Evil', url: 'javascript:alert(1)' },
    ],
  };

  it('ships incident-opened, incident-escalated, approval-overdue and generic', () => {
    expect(renderer.names()).toEqual(
      expect.arrayContaining(['approval-overdue', 'generic', 'incident-escalated', 'incident-opened']),
    );
  });

  it('escapes hostile text in HTML and leaves it untouched in subject and text', () => {
    const rendered = renderer.render('incident-opened', incident);

    expect(rendered.subject).toBe(`[CRITICAL] ${HOSTILE}`);
    expect(rendered.text).toContain(HOSTILE);
    expect(rendered.text).not.toMatch(/&lt;|&amp;|&quot;|&#x27;/);
    expect(rendered.html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Tom&#x27;s &quot;quotes&quot;',
    );
    expect(rendered.html).not.toContain('<script>');
  });

  it('lets only web and mail links into href', () => {
    const { html, text } = renderer.render('incident-opened', incident);

    expect(html).toContain('href="https://metronome.example/ack/42"');
    expect(html).toContain('href="#"');
    expect(html).not.toContain('javascript:');
    expect(text).toContain('Acknowledge: https://metronome.example/ack/42');
  });

  it('writes times in the given time zone and tidies blank lines in text', () => {
    const { text } = renderer.render('incident-opened', incident);

    expect(text).toBe(
      [
        HOSTILE,
        '',
        'Line one\nLine two',
        '',
        'Severity: critical',
        'Brand: Demo Coffee',
        'Opened: Mon 2 Nov 2026, 09:00 GMT',
        'Incident: inc_42',
        '',
        'Acknowledge: https://metronome.example/ack/42',
        'Evil: javascript:alert(1)',
      ].join('\n'),
    );
  });

  it.each(['incident-opened', 'incident-escalated', 'approval-overdue', 'generic'])(
    '%s renders every part with no Handlebars left over',
    (name) => {
      const rendered = renderer.render(name, {
        ...incident,
        subject: 'Generic subject',
        body: 'Generic body',
        brand: { name: 'Demo Coffee' },
        post: { title: 'Winter blend', publishAt: '2026-11-03T08:00:00Z' },
        approval: {
          step: 'copy review',
          dueAt: '2026-11-02T07:00:00Z',
          approvers: ['Theo Grant', 'Maya Owens'],
        },
      });

      for (const part of [rendered.subject, rendered.text, rendered.html ?? '']) {
        expect(part.length).toBeGreaterThan(0);
        expect(part).not.toMatch(/\{\{|\}\}|\n{3,}/);
      }
      expect(rendered.subject).not.toContain('\n');
      expect(rendered.html).toMatch(/^<!doctype html>/);
    },
  );

  it('approval-overdue names the step, the post and who it waits on', () => {
    const { subject, text } = renderer.render('approval-overdue', {
      timezone: 'Europe/London',
      brand: { name: 'Demo Coffee' },
      post: { title: 'Winter blend' },
      approval: {
        step: 'copy review',
        dueAt: '2026-11-02T07:00:00Z',
        approvers: ['Theo Grant', 'Maya Owens'],
      },
    });

    expect(subject).toBe('Approval overdue: "Winter blend" (copy review)');
    expect(text).toBe(
      'The "copy review" step for "Winter blend" (Demo Coffee) was due Mon 2 Nov 2026, 07:00 GMT and is not decided yet.\n\n' +
        'Waiting on: Theo Grant, Maya Owens',
    );
  });

  it('a missing template is an error naming the template and the folder', () => {
    const folder = resolve('templates/notifications');

    expect(() => renderer.render('incident-reopened', {})).toThrow(
      `notification template "incident-reopened" not found in ${folder}: add incident-reopened.subject.hbs and incident-reopened.text.hbs`,
    );
    expect(() => renderer.render('../../etc/passwd', {})).toThrow('is not a valid name');
  });

  it('reads templates from another folder, where the HTML part is optional', () => {
    const folder = mkdtempSync(join(tmpdir(), 'metronome-templates-'));
    try {
      writeFileSync(join(folder, 'ping.subject.hbs'), 'Ping {{who}}\n');
      writeFileSync(join(folder, 'ping.text.hbs'), 'Hello {{who}}\n');
      const custom = new NotificationTemplateRenderer(folder);

      expect(custom.render('ping', { who: 'A & B' })).toEqual({ subject: 'Ping A & B', text: 'Hello A & B' });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

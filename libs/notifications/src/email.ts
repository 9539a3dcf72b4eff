import type { Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool';
import { anchorDeliveryKey, renderAnchor, type AuditAnchorData } from './anchor';
import { renderReminder, type ReminderSentData } from './reminder';

export interface SentMail {
  messageId: string;
  accepted: string[];
  rejected: string[];
}

/**
 * E-mail over SMTP (nodemailer, pooled connections). nodemailer is loaded with the first message
 * or check, not when the process starts.
 */
export class EmailChannel {
  private readonly options: SMTPPool.Options;
  private transporter: Promise<Transporter> | null = null;
  private closed = false;

  constructor(
    smtpUrl: string,
    private readonly from: string,
    options: { pool?: boolean; maxConnections?: number } = {},
  ) {
    const url = new URL(smtpUrl);
    this.options = {
      host: url.hostname,
      port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 25)),
      secure: url.protocol === 'smtps:',
      ...(url.username ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
      // A local catcher (port 1025) speaks plain SMTP; a real relay negotiates STARTTLS.
      ignoreTLS: url.searchParams.get('tls') === 'off' || url.hostname === '127.0.0.1' || url.hostname === 'localhost',
      pool: options.pool ?? true,
      maxConnections: options.maxConnections ?? 10,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
    };
  }

  private transport(): Promise<Transporter> {
    if (this.closed) return Promise.reject(new Error('the e-mail channel is closed'));
    return (this.transporter ??= import('nodemailer').then((m) => m.createTransport(this.options)));
  }

  /**
   * Sends one reminder to every recipient with an address (escalation recipients in Cc). Resolves
   * when the SMTP server has accepted the message: the hand-off. The Message-ID derives from the
   * reminder key, so a receiving system can drop a copy.
   */
  async sendReminder(d: ReminderSentData): Promise<SentMail | null> {
    const to = d.recipients.filter((r) => r.email && r.reason === 'actor').map((r) => ({ name: r.name, address: r.email as string }));
    const cc = d.recipients.filter((r) => r.email && r.reason === 'escalation').map((r) => ({ name: r.name, address: r.email as string }));
    if (to.length === 0 && cc.length === 0) return null;
    const m = renderReminder(d);
    const info = await (await this.transport()).sendMail({
      from: this.from,
      to: to.length ? to : cc,
      ...(to.length && cc.length ? { cc } : {}),
      subject: m.subject,
      text: m.text,
      html: m.html,
      messageId: `<${Buffer.from(d.key).toString('base64url')}@ciclo.reminders>`,
      headers: { 'X-Ciclo-Reminder-Key': d.key, 'Auto-Submitted': 'auto-generated' },
    });
    return {
      messageId: String(info.messageId),
      accepted: (info.accepted as unknown[]).map(String),
      rejected: (info.rejected as unknown[]).map(String),
    };
  }

  /**
   * Sends a published anchor to the tenant's RPCT and OIV (those with an address), with a
   * Message-ID derived from the anchor, so a second copy can be recognised.
   */
  async sendAnchor(d: AuditAnchorData): Promise<SentMail | null> {
    const to = d.recipients.filter((r) => r.email).map((r) => ({ name: r.name, address: r.email as string }));
    if (to.length === 0) return null;
    const m = renderAnchor(d);
    const key = anchorDeliveryKey(d.tenant, d.verificationEventId);
    const info = await (await this.transport()).sendMail({
      from: this.from,
      to,
      subject: m.subject,
      text: m.text,
      html: m.html,
      messageId: `<${Buffer.from(key).toString('base64url')}@ciclo.anchors>`,
      headers: { 'X-Ciclo-Anchor-Key': key, 'Auto-Submitted': 'auto-generated' },
    });
    return { messageId: String(info.messageId), accepted: (info.accepted as unknown[]).map(String), rejected: (info.rejected as unknown[]).map(String) };
  }

  async verify(): Promise<void> {
    await (await this.transport()).verify();
  }

  close(): void {
    this.closed = true;
    void this.transporter?.then((t) => t.close());
  }
}

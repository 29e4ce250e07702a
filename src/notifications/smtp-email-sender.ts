import nodemailer, { type Transporter } from 'nodemailer';
import type { EmailSender, OutgoingEmail } from '../billing/notifications/email-sender.js';

/**
 * Email through any SMTP server (nodemailer): `smtp://user:pass@host:587` (STARTTLS when offered)
 * or `smtps://…:465`. Under `npm start` it is the local mail catcher.
 */
export class SmtpEmailSender implements EmailSender {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    readonly fromAddress: string,
  ) {
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async send(email: OutgoingEmail): Promise<void> {
    await this.transport.sendMail({ messageId: email.messageId, from: email.from, to: email.to, subject: email.subject, text: email.text, html: email.html, headers: email.headers });
  }

  close(): void {
    this.transport.close();
  }
}

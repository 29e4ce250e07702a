/** One email to send: the Message-ID is ours (derived from the notification), so a resend is recognisable. */
export interface OutgoingEmail {
  messageId: string;
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
}

/** Where emails go: SMTP through nodemailer in production (src/notifications/smtp-email-sender.ts). */
export interface EmailSender {
  /** The sender's From address (a tenant's name is put before it). */
  readonly fromAddress: string;
  send(email: OutgoingEmail): Promise<void>;
}

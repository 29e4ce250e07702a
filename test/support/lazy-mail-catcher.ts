import type { EmailSender, OutgoingEmail } from '../../src/billing/notifications/email-sender.js';
import { startMailCatcher, type RunningMailCatcher } from '../../src/devtools/mail-catcher/mail-catcher.js';
import { SmtpEmailSender } from '../../src/notifications/smtp-email-sender.js';

/**
 * The harness's mailer: real SMTP (nodemailer) to a real local catcher (smtp-server), started the
 * first time a test sends or reads mail, so files that send none pay nothing.
 */
export class LazyMailCatcher implements EmailSender {
  readonly fromAddress = 'billing@example.test';
  private started: Promise<{ catcher: RunningMailCatcher; sender: SmtpEmailSender }> | undefined;

  private ensure() {
    this.started ??= startMailCatcher().then((catcher) => ({ catcher, sender: new SmtpEmailSender(catcher.smtpUrl, this.fromAddress) }));
    return this.started;
  }

  async catcher(): Promise<RunningMailCatcher> {
    return (await this.ensure()).catcher;
  }

  async send(email: OutgoingEmail): Promise<void> {
    await (await this.ensure()).sender.send(email);
  }

  async stop(): Promise<void> {
    if (this.started === undefined) return;
    const { catcher, sender } = await this.started;
    sender.close();
    await catcher.stop();
  }
}

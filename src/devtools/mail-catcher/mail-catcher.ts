import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** One email the catcher received. */
export interface CaughtMail {
  id: number;
  receivedAt: string;
  messageId: string | null;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string | null;
  headers: Record<string, string>;
}

export interface RunningMailCatcher {
  /** For SMTP_URL: smtp://127.0.0.1:<port> */
  smtpUrl: string;
  /** The web page listing caught mail. */
  webUrl: string;
  messages(): readonly CaughtMail[];
  /** Resolves once `count` emails have arrived (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<readonly CaughtMail[]>;
  clear(): void;
  stop(): Promise<void>;
}

const MAX_KEPT = 500;

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;width:100%}td,th{padding:6px 8px;border-bottom:1px solid #ddd;text-align:left}pre{white-space:pre-wrap;background:#f6f6f6;padding:1em}iframe{width:100%;height:480px;border:1px solid #ddd}</style></head><body>${body}</body></html>`;
}

function listPage(mails: readonly CaughtMail[]): string {
  const rows = [...mails]
    .reverse()
    .map((m) => `<tr><td>${escapeHtml(m.receivedAt)}</td><td>${escapeHtml(m.to.join(', '))}</td><td><a href="/messages/${m.id}">${escapeHtml(m.subject)}</a></td><td>${escapeHtml(m.from)}</td></tr>`)
    .join('');
  return page('Caught mail', `<h1>Caught mail</h1><p>${mails.length} message(s) sent by durable-billing to this local catcher; nothing left this machine.</p><table><thead><tr><th>Received</th><th>To</th><th>Subject</th><th>From</th></tr></thead><tbody>${rows}</tbody></table>`);
}

function messagePage(mail: CaughtMail): string {
  const html = mail.html === null ? '' : `<h2>HTML</h2><iframe sandbox="" srcdoc="${escapeHtml(mail.html)}"></iframe>`;
  return page(mail.subject, `<p><a href="/">All mail</a></p><h1>${escapeHtml(mail.subject)}</h1><p>From ${escapeHtml(mail.from)} to ${escapeHtml(mail.to.join(', '))} · ${escapeHtml(mail.receivedAt)} · ${escapeHtml(mail.messageId ?? '')}</p><h2>Text</h2><pre>${escapeHtml(mail.text)}</pre>${html}`);
}

/**
 * A local SMTP server that keeps what it is sent, and a web page that shows it (`npm start`'s
 * mail catcher, like MailHog): customer emails are visible without any account, and tests read
 * them back. Built on smtp-server and mailparser; accepts any login, no TLS.
 */
export async function startMailCatcher(options: { host?: string; smtpPort?: number; webPort?: number } = {}): Promise<RunningMailCatcher> {
  const host = options.host ?? '127.0.0.1';
  const mails: CaughtMail[] = [];
  const waiters: Array<() => void> = [];
  let nextId = 1;
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(_auth, _session, callback) {
      callback(null, { user: 'local' });
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const headers: Record<string, string> = {};
          for (const [key, value] of parsed.headers) headers[key] = typeof value === 'string' ? value : JSON.stringify(value);
          mails.push({
            id: nextId++,
            receivedAt: new Date().toISOString(),
            messageId: parsed.messageId ?? null,
            from: parsed.from?.text ?? (session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address),
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : null,
            headers,
          });
          if (mails.length > MAX_KEPT) mails.splice(0, mails.length - MAX_KEPT);
          for (const wake of waiters.splice(0)) wake();
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(options.smtpPort ?? 0, host, () => resolve());
  });
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const web: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'" });
      res.end(body);
    };
    if (url.pathname === '/') return send(200, 'text/html; charset=utf-8', listPage(mails));
    if (url.pathname === '/api/messages') return send(200, 'application/json', JSON.stringify(mails));
    const match = /^\/messages\/(\d+)$/.exec(url.pathname);
    const mail = match ? mails.find((m) => m.id === Number(match[1])) : undefined;
    if (mail) return send(200, 'text/html; charset=utf-8', messagePage(mail));
    return send(404, 'text/plain', 'not found');
  });
  try {
    await new Promise<void>((resolve, reject) => {
      web.once('error', reject);
      web.listen(options.webPort ?? 0, host, () => resolve());
    });
  } catch (error) {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    throw error;
  }
  const webPort = (web.address() as AddressInfo).port;

  return {
    smtpUrl: `smtp://${host}:${smtpPort}`,
    webUrl: `http://${host}:${webPort}`,
    messages: () => mails,
    async waitFor(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (mails.length < count) {
        if (Date.now() > deadline) throw new Error(`the mail catcher has ${mails.length} message(s), expected ${count}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
      return mails;
    },
    clear() {
      mails.splice(0);
    },
    async stop() {
      await new Promise<void>((resolve) => web.close(() => resolve()));
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    },
  };
}

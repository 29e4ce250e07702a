import { html, raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

type Content = HtmlEscapedString | Promise<HtmlEscapedString> | string;

const NAV = [
  { href: '/console', label: 'Overview', key: 'overview' },
  { href: '/console/attention', label: 'Needs attention', key: 'attention' },
  { href: '/console/customers', label: 'Customers', key: 'customers' },
  { href: '/console/invoices', label: 'Invoices', key: 'invoices' },
] as const;

export type NavKey = (typeof NAV)[number]['key'];

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#111827;background:#f9fafb}
header{display:flex;align-items:center;gap:24px;padding:10px 24px;background:#111827;color:#f9fafb}
header .brand{font-weight:600}header nav a{color:#d1d5db;text-decoration:none;margin-right:16px}header nav a.on{color:#fff;border-bottom:2px solid #60a5fa;padding-bottom:2px}
header .who{margin-left:auto;color:#9ca3af;font-size:12px}header form{display:inline}header button{background:none;border:1px solid #4b5563;color:#d1d5db;border-radius:4px;padding:2px 8px;cursor:pointer}
main{max-width:1180px;margin:0 auto;padding:20px 24px 48px}h1{font-size:20px;margin:4px 0 16px}h2{font-size:16px;margin:24px 0 8px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:12px}.card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:12px 14px}
.card .label{color:#6b7280;font-size:12px}.card .value{font-size:20px;font-weight:600;margin-top:2px}
table{width:100%;border-collapse:collapse;background:#fff;border:1px solid #e5e7eb;border-radius:8px}th,td{padding:7px 10px;border-bottom:1px solid #f3f4f6;text-align:left;vertical-align:top}
th{font-size:12px;color:#6b7280;font-weight:600;background:#f9fafb}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}tr:last-child td{border-bottom:none}
a{color:#1d4ed8}.muted{color:#6b7280}.small{font-size:12px}.panel{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:12px 14px}
.badge{display:inline-block;padding:0 7px;border-radius:9px;font-size:12px;white-space:nowrap}.badge.good{background:#dcfce7;color:#166534}.badge.info{background:#dbeafe;color:#1e40af}
.badge.warn{background:#fef3c7;color:#92400e}.badge.bad{background:#fee2e2;color:#991b1b}.badge.muted{background:#f3f4f6;color:#4b5563}
.kv{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px}.kv dt{color:#6b7280}.kv dd{margin:0}
.empty{padding:16px;color:#6b7280;background:#fff;border:1px dashed #d1d5db;border-radius:8px}.pager{margin-top:8px}
.legend span{margin-right:14px}.sw{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:4px;vertical-align:middle}
form.filters{margin:0 0 12px}form.filters select,form.filters input{padding:3px 6px}.period{margin-bottom:12px}.period h3{font-size:14px;margin:0 0 6px}
.login{max-width:420px;margin:80px auto;background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:24px}.login input{width:100%;padding:8px;margin:8px 0 12px;font-family:monospace}
.login button{padding:8px 16px;background:#1d4ed8;color:#fff;border:none;border-radius:4px;cursor:pointer}.error{color:#991b1b}
`;

/** The console's page: header with the sections and who is signed in, then the content. */
export function consolePage(input: { title: string; active: NavKey | null; who: string | null; body: Content }) {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${input.title} · durable-billing console</title>
<style>${raw(STYLE)}</style></head>
<body>
<header><span class="brand">durable-billing</span>
${input.who === null
    ? ''
    : html`<nav>${NAV.map((item) => html`<a href="${item.href}"${item.key === input.active ? html` class="on" aria-current="page"` : ''}>${item.label}</a>`)}</nav>
<span class="who">${input.who}</span><form method="post" action="/console/logout"><button type="submit">Sign out</button></form>`}
</header>
<main>${input.body}</main>
</body></html>`;
}

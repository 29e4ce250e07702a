import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { html } from 'hono/html';
import type { ApiKeyLookup as KeyLookup } from '../auth/authenticate.js';
import type { ApiKeyPrincipal } from '../../tenancy/api-keys.js';
import { consolePage } from './console-layout.js';

/** The cookie that carries the API key the operator signed in with (HttpOnly: no script reads it). */
export const SESSION_COOKIE = 'dbk_console';
const SESSION_SECONDS = 8 * 3600;

export interface ConsoleEnv {
  Variables: { principal: ApiKeyPrincipal };
}


function bearer(c: Context): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '')?.[1];
}

/**
 * Every console page needs an API key of the tenant — any role: the console only reads. It comes
 * from the sign-in cookie, or (for scripts) an `Authorization: Bearer` header; without a live
 * one, a page redirects to the sign-in form.
 */
export function requireConsoleKey(lookUp: KeyLookup): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    const secret = bearer(c) ?? getCookie(c, SESSION_COOKIE);
    const principal = secret === undefined ? null : await lookUp(secret);
    if (principal === null) {
      if (secret !== undefined) deleteCookie(c, SESSION_COOKIE, { path: '/console' });
      return c.redirect(`/console/login?next=${encodeURIComponent(c.req.path)}`, 303);
    }
    c.set('principal', principal);
    await next();
  };
}

/** Only same-origin form posts sign in or out (a page elsewhere cannot sign an operator into another tenant). */
function sameOrigin(c: Context): boolean {
  const origin = c.req.header('origin');
  if (origin === undefined || origin === 'null') return c.req.header('sec-fetch-site') !== 'cross-site';
  return origin === new URL(c.req.url).origin;
}

/** Where to go after signing in: a console path only, never another site. */
function safeNext(next: string | undefined): string {
  return next !== undefined && /^\/console(\/[\w\-/.]*)?$/.test(next) ? next : '/console';
}

function loginForm(next: string, error: string | null) {
  return consolePage({
    title: 'Sign in',
    active: null,
    who: null,
    body: html`<form class="login" method="post" action="/console/login">
<h1>Operator console</h1>
<p class="muted">Sign in with one of your tenant's API keys (a read-only key is enough). It is kept in an HttpOnly cookie for eight hours.</p>
${error === null ? '' : html`<p class="error" role="alert">${error}</p>`}
<label for="apiKey">API key</label>
<input id="apiKey" name="apiKey" type="password" autocomplete="off" placeholder="dbk_…" required>
<input type="hidden" name="next" value="${next}">
<button type="submit">Sign in</button>
</form>`,
  });
}

export function showLogin(c: Context) {
  return c.html(loginForm(safeNext(c.req.query('next')), null), 200);
}

export async function signIn(c: Context, lookUp: KeyLookup) {
  if (!sameOrigin(c)) return c.text('Cross-site sign-in refused', 403);
  const form = await c.req.parseBody();
  const secret = typeof form.apiKey === 'string' ? form.apiKey.trim() : '';
  const next = safeNext(typeof form.next === 'string' ? form.next : undefined);
  const principal = secret === '' ? null : await lookUp(secret);
  if (principal === null) return c.html(loginForm(next, 'That API key is invalid or has been revoked.'), 401);
  setCookie(c, SESSION_COOKIE, secret, {
    path: '/console',
    httpOnly: true,
    sameSite: 'Strict',
    secure: new URL(c.req.url).protocol === 'https:',
    maxAge: SESSION_SECONDS,
  });
  return c.redirect(next, 303);
}

export function signOut(c: Context) {
  if (!sameOrigin(c)) return c.text('Cross-site sign-out refused', 403);
  deleteCookie(c, SESSION_COOKIE, { path: '/console' });
  return c.redirect('/console/login', 303);
}

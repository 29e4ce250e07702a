import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import pg from 'pg';

/**
 * The physical limit the API's reads are compared with (`npm run bench -- api`): a minimal Hono +
 * `pg` server doing the same indexed queries, with no authentication, validation or views.
 * Started as its own process by the bench: BARE_DATABASE_URL, BARE_PORT.
 */
const pool = new pg.Pool({ connectionString: process.env.BARE_DATABASE_URL, max: 10 });
const app = new Hono();
app.get('/invoices', async (c) => {
  const { rows } = await pool.query({
    name: 'bare-invoices',
    text: 'SELECT * FROM invoices WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT 20',
    values: [c.req.query('tenant')],
  });
  return c.json({ data: rows });
});
app.get('/subscriptions/:id', async (c) => {
  const { rows } = await pool.query({ name: 'bare-subscription', text: 'SELECT * FROM subscriptions WHERE id = $1 AND tenant_id = $2', values: [c.req.param('id'), c.req.query('tenant')] });
  return rows.length === 0 ? c.json({ error: 'not found' }, 404) : c.json(rows[0]);
});
app.get('/health', (c) => c.text('ok'));
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.BARE_PORT) });

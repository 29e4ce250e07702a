import { createServer } from 'node:http';

/**
 * The floor the entitlement check is compared with (`npm run bench -- entitlements`): Node's own
 * HTTP server answering every request with a fixed entitlement answer of the same size — no
 * framework, no authentication, no lookup — measured by the same load generator on the same
 * machine. Started as its own process by the bench: BARE_PORT.
 */
const body = JSON.stringify({
  object: 'entitlement',
  customerId: 'cus_bench000001',
  featureId: 'feat_0000000000000000000000',
  featureKey: 'api_calls',
  type: 'metered',
  hasAccess: true,
  value: null,
  limit: '1000',
  usage: '5',
  remaining: '995',
  overage: '0',
  resetsAt: '2026-12-31T00:00:00.000Z',
  soft: false,
});
createServer((request, response) => {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(request.url === '/health' ? 'ok' : body);
}).listen(Number(process.env.BARE_PORT), '127.0.0.1');

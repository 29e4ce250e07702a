import Stripe from 'stripe';
import { inSpan, SpanKind, SpanStatusCode, tracingEnabled } from '../observability/tracing.js';

type NodeClient = ReturnType<typeof Stripe.createNodeHttpClient>;
type RequestArguments = Parameters<NodeClient['makeRequest']>;

/**
 * The Stripe SDK's own Node HTTP client, with a client span around each request when tracing is
 * on (method, host, path without query, status). Stripe's requests go through this one client,
 * so no patching of Node's http module is needed; with tracing off it is the plain client.
 */
export class TracedStripeHttpClient extends Stripe.HttpClient {
  private readonly inner: NodeClient = Stripe.createNodeHttpClient();

  override getClientName(): string {
    return this.inner.getClientName();
  }

  override makeRequest(...args: RequestArguments): ReturnType<NodeClient['makeRequest']> {
    if (!tracingEnabled()) return this.inner.makeRequest(...args);
    const [host, port, path, method] = args;
    const route = path.split('?')[0] ?? path;
    return inSpan(
      `stripe ${method} ${route}`,
      { kind: SpanKind.CLIENT, attributes: { 'http.request.method': method, 'server.address': host, 'server.port': Number(port), 'url.path': route, 'peer.service': 'stripe' } },
      async (span) => {
        const response = await this.inner.makeRequest(...args);
        const status = response.getStatusCode();
        span.setAttribute('http.response.status_code', status);
        if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        return response;
      },
    );
  }
}

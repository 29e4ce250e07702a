import { apiConfigSchema, loadConfigOrExit } from '../config/index.js';
import { configureLogging, log } from '../observability/logger.js';
import { startTracingFromEnvironment } from '../observability/tracing.js';
import { startApiServer } from './server.js';

// `npm run api`: the production API process. Scale out by running more of them behind a balancer.
const config = loadConfigOrExit(apiConfigSchema);
configureLogging({ level: config.LOG_LEVEL, format: config.LOG_FORMAT, file: config.LOG_FILE, base: { service: 'api' } });
// Off (no cost) unless OTEL_EXPORTER_OTLP_ENDPOINT names a collector.
const tracing = startTracingFromEnvironment('durable-billing-api');
const api = await startApiServer({
  databaseUrl: config.DATABASE_URL,
  temporalAddress: config.TEMPORAL_ADDRESS,
  temporalNamespace: config.TEMPORAL_NAMESPACE,
  taskQueue: config.TEMPORAL_TASK_QUEUE,
  ...(config.TEMPORAL_UI_URL === undefined ? {} : { temporalUiUrl: config.TEMPORAL_UI_URL }),
  rateLimit: { requestsPerSecond: config.API_RATE_LIMIT_PER_SECOND, burst: config.API_RATE_LIMIT_BURST },
  entitlementCache: config.ENTITLEMENT_CACHE === 'on',
  webhookUrlPolicy: config.WEBHOOK_URL_POLICY,
  host: config.HOST,
  port: config.PORT,
  stripe: {
    secretKey: config.STRIPE_SECRET_KEY,
    apiBase: config.STRIPE_API_BASE,
    webhookSecret: config.STRIPE_WEBHOOK_SECRET,
    webhookToleranceSeconds: config.STRIPE_WEBHOOK_TOLERANCE_SECONDS,
  },
});
log().info(`API listening on ${api.url}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void api
      .stop()
      .then(() => tracing?.shutdown())
      .then(() => process.exit(0));
  });
}

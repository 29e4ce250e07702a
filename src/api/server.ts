import { serve, type ServerType } from '@hono/node-server';
import { Connection } from '@temporalio/client';
import { createPrismaClient } from '../db/prisma-client.js';
import { createApp } from './app.js';
import { databaseReadiness, temporalReadiness } from './readiness.js';

export interface ApiServerOptions {
  databaseUrl: string;
  temporalAddress: string;
  host: string;
  port: number;
}

export interface RunningApiServer {
  url: string;
  stop(): Promise<void>;
}

/** Starts the API over HTTP. Temporal is connected lazily so the API can report it as down rather than refuse to start. */
export async function startApiServer(options: ApiServerOptions): Promise<RunningApiServer> {
  const prisma = createPrismaClient(options.databaseUrl);
  const connection = Connection.lazy({ address: options.temporalAddress });
  const app = createApp({ readinessChecks: [databaseReadiness(prisma), temporalReadiness(connection)] });
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: options.host, port: options.port }, () => resolve(s));
    s.once('error', reject);
  });
  const shownHost = options.host === '0.0.0.0' ? '127.0.0.1' : options.host;
  return {
    url: `http://${shownHost}:${options.port}`,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await connection.close();
      await prisma.$disconnect();
    },
  };
}

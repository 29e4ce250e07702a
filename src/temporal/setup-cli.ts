import { Client, Connection } from '@temporalio/client';
import { z } from 'zod';
import { loadConfigOrExit, temporalConfigShape } from '../config/index.js';
import { registerSearchAttributes } from './register-search-attributes.js';
import { ensureSchedules, summariseEnsured } from './schedules/ensure-schedules.js';

// `npm run temporal:setup`: register the project's search attributes and create or update its
// schedules on an existing cluster (docker compose runs it once before the worker starts). Safe
// to run again.
const config = loadConfigOrExit(z.object(temporalConfigShape));
const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
const added = await registerSearchAttributes(connection, config.TEMPORAL_NAMESPACE);
console.log(added.length > 0 ? `registered search attributes: ${added.join(', ')}` : 'search attributes already registered');
console.log(summariseEnsured(await ensureSchedules(new Client({ connection, namespace: config.TEMPORAL_NAMESPACE }), config.TEMPORAL_TASK_QUEUE)));
await connection.close();

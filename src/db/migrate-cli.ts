import { z } from 'zod';
import { loadConfigOrExit } from '../config/index.js';
import { migrateDatabase } from './migrate.js';

// `npm run db:migrate`: DATABASE_URL from the environment.
const { DATABASE_URL } = loadConfigOrExit(
  z.object({ DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// connection URL') }),
);
const result = await migrateDatabase(DATABASE_URL, { log: (line) => console.log(line) });
console.log(
  result.tool === 'prisma'
    ? 'migrations applied with prisma migrate deploy'
    : `migrations applied with the built-in migrator: ${result.applied.length} new`,
);

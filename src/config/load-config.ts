import type { z } from 'zod';

/** A configuration error names every offending variable, so one run shows every fix needed. */
export class ConfigError extends Error {
  constructor(readonly problems: ReadonlyArray<{ variable: string; message: string }>) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

type Environment = Record<string, string | undefined>;

/** Parses the environment once; empty strings count as unset, as most deploy tools write them. */
export function loadConfig<S extends z.ZodType>(schema: S, env: Environment = process.env): z.infer<S> {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const variable = issue.path.map(String).join('.') || '(environment)';
      const missing = issue.path.length === 1 && present[variable] === undefined;
      return { variable, message: missing ? 'is required but not set' : issue.message };
    }),
  );
}

/** For entry points: print the problem and stop with a non-zero exit code instead of a stack trace. */
export function loadConfigOrExit<S extends z.ZodType>(schema: S, env: Environment = process.env): z.infer<S> {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG from sysexits.h
    }
    throw error;
  }
}

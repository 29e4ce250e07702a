// Values the global setups hand to test files through vitest's provide/inject.
declare module 'vitest' {
  export interface ProvidedContext {
    /** A connection URL with the right to CREATE DATABASE. */
    postgresAdminUrl: string;
    /** A migrated database that per-file test databases are cloned from. */
    templateDatabase: string;
    /** Prefix of every database this run creates, so teardown can drop them all. */
    testDatabasePrefix: string;
  }
}
export {};

/** What the root vitest global setup hands to every test file. */
declare module 'vitest' {
  export interface ProvidedContext {
    /** A connection string to the Postgres server the tests use (any database on it). */
    pgServerUrl: string;
    /** The migrated database each test file clones. */
    pgTemplate: string;
  }
}

export {};

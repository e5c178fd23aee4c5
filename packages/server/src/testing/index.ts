/** Test helpers shared by the packages' tests: per-file databases and a real server on a random port. */

export * from '../webhooks/testHelpers.ts';
export * from './chromium.ts';
export * from './connections.ts';
export * from './db.ts';
export * from './raw.ts';
export * from './server.ts';
export * from './wait.ts';

export * from './registry.ts';
export * from './settings.ts';

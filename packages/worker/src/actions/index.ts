/** Workflow actions: the provider interface, its registry and the built-in providers. */

export { builtInActions } from './builtins.ts';
export * from './provider.ts';

/** Workflow actions: the provider interface, its registry and the built-in providers. */
export * from './provider.ts';
export { builtInActions } from './builtins.ts';

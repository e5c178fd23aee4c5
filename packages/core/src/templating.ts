/**
 * Merge tokens: `{{deal.name}}`, nested paths, `{{x | default: "y"}}`, rendered per string leaf of a config object
 * by a small compiled renderer (LiquidJS was measured slower than the speed goal; see bench/).
 */
export * from './templating/index.ts';

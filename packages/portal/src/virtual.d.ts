/** Built by vite.config.ts from @switchyard/core at build time (see `coreSchemas`). */
declare module 'virtual:switchyard-core' {
  /** A JSON Schema object, as zod's `toJSONSchema` writes it. */
  export interface JsonSchema {
    type?: string | string[];
    properties?: Record<string, JsonSchema>;
    required?: string[];
    enum?: unknown[];
    const?: unknown;
    anyOf?: JsonSchema[];
    items?: JsonSchema;
    minimum?: number;
    maximum?: number;
    minLength?: number;
    description?: string;
  }
  // The constants' types come from core itself (a type-only import: nothing of core is bundled), so a node type or
  // unit added there reaches the portal's types without a second list here.
  export const NODE_TYPES: typeof import('@switchyard/core').NODE_TYPES;
  export const DELAY_UNITS: typeof import('@switchyard/core').DELAY_UNITS;
  export const OPERATORS: typeof import('@switchyard/core').OPERATORS;
  /** Core's VALUELESS_OPERATORS set, as an array (JSON has no sets). */
  export const VALUELESS_OPERATORS: readonly string[];
  export const NODE_SCHEMAS: Record<string, JsonSchema>;
}

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
  export const NODE_TYPES: readonly [
    'Start',
    'Delay',
    'Webhook',
    'SendEmail',
    'CreateTask',
    'SendChannelMessage',
    'UpdateField',
    'Condition',
  ];
  export const DELAY_UNITS: readonly string[];
  export const OPERATORS: readonly string[];
  export const VALUELESS_OPERATORS: readonly string[];
  export const NODE_SCHEMAS: Record<string, JsonSchema>;
}

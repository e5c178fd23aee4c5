import { DELAY_UNITS, NODE_TYPES, OPERATORS, VALUELESS_OPERATORS, WorkflowNode } from '@switchyard/core';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { z } from 'zod';

const VIRTUAL = 'virtual:switchyard-core';

/**
 * Core's node settings schemas as JSON Schema, and its constants, computed at build time: the settings forms are
 * derived from the same zod schemas the server validates with, and neither zod nor core ships in the bundle.
 */
function coreSchemas(): Plugin {
  // Every member of core's node union, keyed by its `type`.
  const nodeSchemas = Object.fromEntries(
    WorkflowNode.options.map((schema) => [
      schema.shape.type.value,
      z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }),
    ]),
  );
  const source = [
    `export const NODE_TYPES = ${JSON.stringify(NODE_TYPES)};`,
    `export const DELAY_UNITS = ${JSON.stringify(DELAY_UNITS)};`,
    `export const OPERATORS = ${JSON.stringify(OPERATORS)};`,
    `export const VALUELESS_OPERATORS = ${JSON.stringify([...VALUELESS_OPERATORS])};`,
    `export const NODE_SCHEMAS = ${JSON.stringify(nodeSchemas)};`,
  ].join('\n');
  return {
    name: 'switchyard-core-schemas',
    resolveId: (id) => (id === VIRTUAL ? `\0${VIRTUAL}` : undefined),
    load: (id) => (id === `\0${VIRTUAL}` ? source : undefined),
  };
}

// `vite build` builds the app; `vite build --mode embed` adds embed.js, a classic script (an IIFE) host pages load
// with a plain <script src>, under a name that does not change.
export default defineConfig(({ mode }) =>
  mode === 'embed'
    ? {
        build: {
          outDir: 'dist',
          emptyOutDir: false,
          target: 'es2020',
          reportCompressedSize: false,
          lib: {
            entry: 'src/embed/embed.ts',
            formats: ['iife'],
            name: 'SwitchyardEmbed',
            fileName: () => 'embed.js',
          },
        },
      }
    : {
        base: '/portal/',
        plugins: [react(), coreSchemas()],
        // One copy of tRPC in the bundle, though pnpm links two (see src/api.ts).
        resolve: { dedupe: ['@trpc/client', '@trpc/server'] },
        build: {
          outDir: 'dist',
          emptyOutDir: true,
          target: 'es2022',
          // Every browser the portal supports has modulepreload.
          modulePreload: { polyfill: false },
          reportCompressedSize: false,
        },
        server: { proxy: { '/trpc': 'http://127.0.0.1:3000', '/v1': 'http://127.0.0.1:3000' } },
      },
);

import { z } from 'zod';
import { OPERATORS, type Operator } from './operators.ts';
import { validateCondition } from './validate.ts';

/** One comparison: a dotted `field` path in the event data, an operator and (for most operators) a value. */
export interface ConditionLeaf {
  field: string;
  operator: Operator;
  value?: unknown;
}

/** A condition: a leaf comparison, or an `all` (and) / `any` (or) group of conditions. */
export type ConditionTree = ConditionLeaf | { all: ConditionTree[] } | { any: ConditionTree[] };

/**
 * {@link ConditionTree}, under the schema's name. API types name `ConditionTree`: a type that names `Condition` brings
 * the schema constant (and zod) into declarations that only need the shape, such as the SDK's.
 */
export type Condition = ConditionTree;

// The shape only (it documents the API); the operator/value rules run in the refinement below, because a union's
// own errors ("invalid input") would hide which field of which leaf is wrong.
const ConditionShape: z.ZodType = z.lazy(() =>
  z.union([
    z.object({
      field: z.string().describe('Dotted path in the event data, e.g. "status" or "owner.email"'),
      operator: z.string().describe(`One of ${OPERATORS.join(', ')}`),
      value: z.unknown().optional(),
    }),
    z.object({ all: z.array(ConditionShape) }),
    z.object({ any: z.array(ConditionShape) }),
  ]),
);

/** The condition schema: the shape plus every rule of `validateCondition`, each problem an issue at its path. */
export const Condition = z
  .unknown()
  // Request bodies are documented from the input side, which is `unknown` here: describe the shape in prose there.
  .meta({
    description: `A condition: { field, operator, value } or { all: [conditions] } or { any: [conditions] }. Operators: ${OPERATORS.join(', ')}.`,
  })
  .superRefine((value, ctx) => {
    for (const p of validateCondition(value)) {
      ctx.addIssue({
        code: 'custom',
        message: p.message,
        path: p.path === '' ? [] : p.path.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s)),
      });
    }
  })
  .pipe(ConditionShape) as unknown as z.ZodType<ConditionTree>;

/** The data a condition is evaluated against: the entity now and, when known, the entity before the event. */
export interface EvaluationInput {
  data: unknown;
  previous?: unknown;
}

/** The outcome of an evaluation: whether it matched and a human-readable why. */
export interface EvaluationResult {
  match: boolean;
  reason: string;
}

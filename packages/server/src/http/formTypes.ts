/**
 * A form-encoded body carries only strings: `auto_start=false` is the text "false". Before validation each string
 * is given the type the input schema wants at its place — a boolean from `true`/`false`, a number from a decimal
 * literal — and only where the schema cannot take the string itself, so that a form is then validated exactly like
 * the same body sent as JSON (a name of "123" stays a string; `active=maybe` stays a string and fails as in JSON).
 */

// zod 4's definitions, read structurally: the kinds this walk needs and the fields it follows.
interface Def {
  type: string;
  innerType?: Schema;
  in?: Schema;
  getter?: () => Schema;
  shape?: Record<string, Schema>;
  catchall?: Schema;
  element?: Schema;
  valueType?: Schema;
  options?: Schema[];
  left?: Schema;
  right?: Schema;
  values?: unknown[];
  entries?: Record<string, unknown>;
}
interface Schema {
  _zod: { def: Def };
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'catch', 'readonly', 'nonoptional']);
const DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

function unwrap(schema: Schema | undefined): Schema | undefined {
  let s = schema;
  for (let i = 0; s && i < 32; i++) {
    const def = s._zod.def;
    if (WRAPPERS.has(def.type)) s = def.innerType;
    else if (def.type === 'pipe') s = def.in;
    else if (def.type === 'lazy' && def.getter) s = def.getter();
    else return s;
  }
  return s;
}

/** Whether the schema takes some string as it is (then a string is left alone). */
function takesString(schema: Schema | undefined): boolean {
  const s = unwrap(schema);
  if (!s) return true;
  const def = s._zod.def;
  switch (def.type) {
    case 'string':
    case 'any':
    case 'unknown':
    case 'template_literal':
      return true;
    case 'enum':
      return Object.values(def.entries ?? {}).some((v) => typeof v === 'string');
    case 'literal':
      return (def.values ?? []).some((v) => typeof v === 'string');
    case 'union':
      return (def.options ?? []).some(takesString);
    default:
      return false;
  }
}

function typeString(text: string, schema: Schema | undefined): unknown {
  const s = unwrap(schema);
  if (!s || takesString(s)) return text;
  const def = s._zod.def;
  switch (def.type) {
    case 'boolean':
      return text === 'true' ? true : text === 'false' ? false : text;
    case 'number':
    case 'int':
      return DECIMAL.test(text) ? Number(text) : text;
    case 'literal': {
      const want = (def.values ?? []).find((v) => String(v) === text);
      return want === undefined ? text : want;
    }
    case 'null':
      return text === '' ? null : text;
    case 'union':
      for (const option of def.options ?? []) {
        const typed = typeString(text, option);
        if (typed !== text) return typed;
      }
      return text;
    default:
      return text;
  }
}

/** The schema for `key` of an object under `schema` (a union of objects: the first option that names it). */
function fieldSchema(schema: Schema | undefined, key: string): Schema | undefined {
  const s = unwrap(schema);
  if (!s) return undefined;
  const def = s._zod.def;
  switch (def.type) {
    case 'object':
      return def.shape?.[key] ?? def.catchall;
    case 'record':
      return def.valueType;
    case 'intersection':
      return fieldSchema(def.left, key) ?? fieldSchema(def.right, key);
    case 'union':
      for (const option of def.options ?? []) {
        const found = fieldSchema(option, key);
        if (found) return found;
      }
      return undefined;
    default:
      return undefined;
  }
}

function elementSchema(schema: Schema | undefined): Schema | undefined {
  const s = unwrap(schema);
  if (!s) return undefined;
  const def = s._zod.def;
  if (def.type === 'array') return def.element;
  if (def.type === 'union') {
    for (const option of def.options ?? []) {
      const found = elementSchema(option);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * The form's parsed value (strings, arrays and objects from `qs`) with each string typed as `schema` wants it.
 * The value's depth is bounded by the form parser, so the recursion is too.
 */
export function typeFormValues(value: unknown, schema: unknown): unknown {
  const s = schema as Schema | undefined;
  if (typeof value === 'string') return typeString(value, s);
  if (Array.isArray(value)) {
    const element = elementSchema(s);
    return value.map((v) => typeFormValues(v, element));
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = typeFormValues(v, fieldSchema(s, k));
    return out;
  }
  return value;
}

import openapiTS, { astToString, COMMENT_HEADER, type OpenAPI3 } from 'openapi-typescript';

/** Where the generated REST types live (committed, so the REST test and example type-check without a server). */
export const OPENAPI_TYPES_FILE = new URL('../test/openapi.d.ts', import.meta.url);

/**
 * The TypeScript types `openapi-typescript` makes of an OpenAPI document: what a plain-REST user of Switchyard
 * generates for `openapi-fetch`. The same function writes the committed file and checks it is current.
 */
export async function renderOpenApiTypes(doc: unknown): Promise<string> {
  const ast = await openapiTS(doc as OpenAPI3, { alphabetize: true });
  return COMMENT_HEADER + astToString(ast);
}

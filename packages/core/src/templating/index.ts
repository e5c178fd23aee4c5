export * from './config.ts';
export { type Filter, isCleanTemplate, type ParsedTemplate, parseTemplate, type Token } from './parse.ts';
export * from './render.ts';

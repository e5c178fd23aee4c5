export * from './config.ts';
export { type Filter, type ParsedTemplate, parseTemplate, type Token } from './parse.ts';
export * from './render.ts';

/** The SSRF-guarded outbound HTTP client every call out of Switchyard goes through. */
export * from './client.ts';

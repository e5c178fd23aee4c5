/** The SSRF-guarded outbound HTTP client every call out of Switchyard goes through. */
export * from './client.ts';
export { AddressGuard, isLocalhostName, redactUrl } from './guard.ts';
export { outboundUrlRefusal } from './saveGuard.ts';

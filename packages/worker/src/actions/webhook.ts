import {
  NonRetriableError,
  parseHeaderLines,
  parseParamLines,
  redactUrl,
  validateCustomHeaders,
  type WebhookSettings,
} from '@switchyard/core';
import { webhookDefinition } from '@switchyard/server/db';
import { type HttpAnswer, sendForAction } from './http.ts';
import type { ActionProvider } from './provider.ts';

/** What a Webhook step records: the answer, its body parsed when it is JSON. */
export type WebhookOutput = HttpAnswer;

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The built-in `Webhook` action (seed 004): an HTTP request to the node's URL through the SSRF-guarded client, with
 * its header lines and its params — a JSON body for POST/PUT/PATCH (or form-encoded / text when `content_type`
 * says), the query string for GET and DELETE. 2xx succeeds; 408, 429 (after its Retry-After), 5xx and network
 * failures are retried; any other 4xx or a refused address fails the step at once, keeping the answer.
 */
export const webhookAction: ActionProvider<WebhookSettings> = {
  ...webhookDefinition,
  async execute(config, ctx) {
    const method = config.method ?? 'POST';
    const headerLines = parseHeaderLines(config.headers ?? '');
    const headerProblems = [...headerLines.problems, ...validateCustomHeaders(headerLines.value)];
    if (headerProblems.length > 0) {
      throw new NonRetriableError(`invalid headers: ${headerProblems.map((p) => p.message).join('; ')}`);
    }
    const params = parseParamLines(config.params ?? '').value;
    const headers: Record<string, string> = {
      // The same on every attempt of this step: the receiver's way to tell a retry from a new call. A node that sets
      // its own Idempotency-Key keeps it.
      ...(Object.keys(headerLines.value).some((h) => h.toLowerCase() === 'idempotency-key')
        ? {}
        : { 'Idempotency-Key': ctx.stepKey }),
      ...headerLines.value,
      'x-switchyard-execution-id': ctx.executionId,
      'x-switchyard-workflow-id': ctx.workflowId,
    };
    let url = config.url;
    let body: string | undefined;
    if (config.body !== undefined && WITH_BODY.has(method)) {
      body = config.body;
      headers['content-type'] = config.content_type ?? 'text/plain';
    } else if (WITH_BODY.has(method)) {
      const type = config.content_type ?? 'application/json';
      headers['content-type'] = type;
      if (type === 'application/x-www-form-urlencoded') body = new URLSearchParams(params).toString();
      else if (type === 'text/plain')
        body = Object.entries(params)
          .map(([k, v]) => `${k}: ${v}`)
          .join('\n');
      else body = JSON.stringify(params);
    } else if (Object.keys(params).length > 0) {
      try {
        const u = new URL(url);
        for (const [k, v] of Object.entries(params)) u.searchParams.append(k, v);
        url = u.toString();
      } catch {
        throw new NonRetriableError(`invalid url ${JSON.stringify(redactUrl(url))}`);
      }
    }
    const output: WebhookOutput = await sendForAction(
      ctx.deps,
      { method, url, headers, body, signal: ctx.signal },
      `${method} ${redactUrl(url)}`,
    );
    return { output };
  },
};

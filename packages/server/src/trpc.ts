import { initTRPC } from '@trpc/server';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { readApiKey } from './apiKeys/keys.ts';
import { hasScope, type Scope } from './apiKeys/scopes.ts';
import type { AuthInfo, Context } from './context.ts';
import { AppError, toAppError, trpcCodeFor, trpcErrorData } from './errors.ts';
import { authenticate } from './http/auth.ts';
import {
  claimIdempotencyKey,
  IdempotencyCharge,
  IdempotentReplay,
  recordIdempotentResponse,
  releaseIdempotencyKey,
} from './http/idempotency.ts';
import { assertStorableInput, decodePathParameters, pathParameterNames } from './http/inputPolicy.ts';
import { consumeRateLimit, RateCharge } from './http/rateLimit.ts';
import { authorizeSessionCall } from './http/session.ts';
import { isPortalToken } from './portal/tokens.ts';

/** Procedure metadata: the REST mapping, plus the HTTP status of a success (200 unless said). */
export type Meta = OpenApiMeta<{
  successStatus?: number;
  /** The procedure counts the request against the rate limit in its own statement (`ctx.rateCharge`). */
  rateLimitInStatement?: boolean;
  /** The procedure claims the call's Idempotency-Key itself (`ctx.idempotency`), in its statement when it can. */
  idempotencyInStatement?: boolean;
}>;

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    errorFormatter({ shape, error, ctx }) {
      const appError = toAppError(error);
      // An AppError thrown inside a procedure reaches tRPC as INTERNAL_SERVER_ERROR; raw tRPC clients read the
      // JSON-RPC code, so it is set from the AppError's status like the HTTP status is.
      const code = trpcCodeFor(appError.status);
      return {
        ...shape,
        code: TRPC_ERROR_CODES_BY_KEY[code],
        message: appError.message,
        data: trpcErrorData(appError, ctx?.requestId, shape.data.path),
      };
    },
  });

/** Builds routers. */
export const router = t.router;
/** Builds a caller factory for a router (tests call procedures without HTTP through it). */
export const createCallerFactory = t.createCallerFactory;
/**
 * What every input passes before its schema: a REST call's path parameters are percent-decoded (once), and no
 * string or key may hold what Postgres cannot store (NUL, a lone surrogate) nor nest past the depth limit — one
 * 400 naming each path, on every route and both transports.
 */
const inputPolicy = t.middleware(async ({ ctx, meta, getRawInput, next }) => {
  let raw = await getRawInput();
  const path = meta?.openapi?.path;
  if (ctx.transport === 'rest' && path && raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const names = pathNames.get(path) ?? pathParameterNames(path);
    pathNames.set(path, names);
    if (names.length > 0) raw = decodePathParameters(raw as Record<string, unknown>, names);
  }
  assertStorableInput(raw);
  return next({ getRawInput: async () => raw });
});
const pathNames = new Map<string, string[]>();

/** A procedure anyone may call (health, the catalog). */
export const publicProcedure = t.procedure.use(inputPolicy);

// The input policy runs first, so a portal session is confined (its user_key, the ids it may address) on the
// decoded input the procedure will parse.
const authenticated = t.procedure.use(inputPolicy).use(async ({ ctx, meta, path, getRawInput, next }) => {
  const credential = readApiKey(ctx.headers);
  if (isPortalToken(credential)) {
    // A portal session (ps_…) reaches one end user's own data: http/session.ts allows the procedure or not and
    // confines its input to that user.
    const call = await authorizeSessionCall(ctx, credential, path, getRawInput);
    await consumeRateLimit(ctx.deps.rateLimiter, call.auth.apiKeyId, ctx.res, ctx.deps.logger);
    // tRPC applies a context and a raw input given together; its types offer one or the other.
    const confined = { ctx: { auth: call.auth }, getRawInput: call.getRawInput };
    return next(confined as { ctx: { auth: AuthInfo } });
  }
  const auth = await authenticate(ctx.em, ctx.deps.pool, credential, new Date());
  if (!meta?.rateLimitInStatement) {
    await consumeRateLimit(ctx.deps.rateLimiter, auth.apiKeyId, ctx.res, ctx.deps.logger);
    return next({ ctx: { auth } });
  }
  const rateCharge = new RateCharge(ctx.deps.rateLimiter, auth.apiKeyId, ctx.res, ctx.deps.logger);
  const result = await next({ ctx: { auth, rateCharge } });
  // Whatever did not reach the statement (refused input, a replay, the route's other path) counts now: 429 past
  // the limit, as if counted first.
  await rateCharge.consume();
  return result;
});

/** A procedure any valid credential may call (the portal's own routes check for a session themselves). */
export const authenticatedProcedure = authenticated;

/**
 * A procedure any key of the account may call, publishable keys included: what a browser holding only the
 * publishable key may read (the public event catalog).
 */
export const anyKeyProcedure = authenticated;

/**
 * How long an idempotency claim holds before another call may take it over: longer than any request's work, whose
 * calls out (a test ping, a connection test) give up after WEBHOOK_TIMEOUT_SECONDS.
 */
function leaseMs(env: Context['deps']['env']): number {
  return Math.max(60_000, 2 * env.WEBHOOK_TIMEOUT_SECONDS * 1000 + 30_000);
}

/**
 * A procedure that needs a secret key (or a portal session) holding `scope`. The input policy, authentication, the
 * rate limit, the scope check and `Idempotency-Key` handling (mutations only) run in that order before the procedure.
 *
 * An idempotent call claims its key in a statement of its own, then runs exactly like a call without a key (the
 * same fast paths, no transaction around it, so nothing that calls out holds a connection or a lock), then records
 * its response sealed; a failure releases the claim. A concurrent duplicate waits for the first and replays it.
 */
export function scopedProcedure(scope: Scope) {
  return authenticated.use(async ({ ctx, type, path, meta, getRawInput, next }) => {
    if (ctx.auth.kind === 'publishable') {
      throw new AppError(
        'insufficient_permissions',
        `A publishable key only identifies the account; this route needs a secret key (sk_…) with ${scope}`,
        [
          {
            message: `a ${ctx.auth.kind} key cannot call this route`,
            required: scope,
            key_kind: ctx.auth.kind,
          },
        ],
      );
    }
    if (!hasScope(ctx.auth.scopes, scope)) {
      throw new AppError('insufficient_permissions', `This API key lacks the ${scope} permission`, [
        { message: `the key needs the ${scope} scope`, required: scope },
      ]);
    }
    const key = ctx.headers['idempotency-key'];
    if (type !== 'mutation' || !key) return next();
    const store = { pool: ctx.deps.pool, box: ctx.deps.secretBox };
    const call = {
      accountId: ctx.auth.account.id,
      key,
      operation: path,
      input: await getRawInput(),
      ttlHours: ctx.deps.env.IDEMPOTENCY_TTL_HOURS,
      leaseMs: leaseMs(ctx.deps.env),
    };
    // A stored response is returned as the procedure's result; it passed output validation when first made.
    // tRPC 11 has no public way for a middleware to answer in the procedure's place (its docs: a middleware
    // returns what `next()` returned; trpc/trpc#4066 asks for one and is open), so this is the one result made
    // here, in the shape `next()` returns; the marker only exists in tRPC's types.
    const replay = (response: unknown) => {
      ctx.res?.setHeader('Idempotent-Replayed', 'true');
      return { ok: true as const, data: response, marker: undefined as never };
    };
    const settle = async (what: string, step: () => Promise<void>) => {
      // The work is done (or failed) either way; a record that cannot be written lapses with its lease.
      await step().catch((err) => ctx.deps.logger.warn({ err, key, path }, `idempotency ${what} failed`));
    };
    if (meta?.idempotencyInStatement) {
      const charge = new IdempotencyCharge(store, call);
      let result: Awaited<ReturnType<typeof next>>;
      try {
        result = await next({ ctx: { idempotency: charge } });
      } catch (err) {
        const claimed = charge.claim;
        if (claimed) await settle('release', () => releaseIdempotencyKey(store, claimed));
        throw err;
      }
      const cause = result.ok ? null : result.error.cause;
      if (cause instanceof IdempotentReplay) return replay(cause.response);
      const claimed = charge.claim;
      if (claimed) {
        if (result.ok) await settle('record', () => recordIdempotentResponse(store, claimed, result.data));
        else await settle('release', () => releaseIdempotencyKey(store, claimed));
      }
      return result;
    }
    const claim = await claimIdempotencyKey(store, call);
    if (claim.kind === 'replay') return replay(claim.response);
    let result: Awaited<ReturnType<typeof next>>;
    try {
      result = await next();
    } catch (err) {
      await settle('release', () => releaseIdempotencyKey(store, claim));
      throw err;
    }
    if (result.ok) await settle('record', () => recordIdempotentResponse(store, claim, result.data));
    else await settle('release', () => releaseIdempotencyKey(store, claim));
    return result;
  });
}

import { initTRPC } from '@trpc/server';
import { TRPC_ERROR_CODES_BY_KEY } from '@trpc/server/rpc';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { readApiKey } from './apiKeys/keys.ts';
import { hasScope, type Scope } from './apiKeys/scopes.ts';
import type { AuthInfo, Context } from './context.ts';
import { AppError, toAppError, trpcCodeFor } from './errors.ts';
import { resolveApiKey } from './http/auth.ts';
import { runIdempotent } from './http/idempotency.ts';
import { consumeRateLimit } from './http/rateLimit.ts';
import { authorizeSessionCall } from './http/session.ts';
import { isPortalToken } from './portal/tokens.ts';

/** Procedure metadata: the REST mapping, plus the HTTP status of a success (200 unless said). */
export type Meta = OpenApiMeta<{ successStatus?: number }>;

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
        data: {
          code,
          path: shape.data.path,
          httpStatus: appError.status,
          appCode: appError.code,
          details: appError.details,
          requestId: ctx?.requestId,
        },
      };
    },
  });

/** Builds routers. */
export const router = t.router;
/** Builds a caller factory for a router (tests call procedures without HTTP through it). */
export const createCallerFactory = t.createCallerFactory;
/** A procedure anyone may call (health, the catalog). */
export const publicProcedure = t.procedure;

const authenticated = t.procedure.use(async ({ ctx, path, getRawInput, next }) => {
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
  const auth = await resolveApiKey(ctx.em, ctx.deps.pool, credential, new Date());
  await consumeRateLimit(ctx.deps.rateLimiter, auth.apiKeyId, ctx.res, ctx.deps.logger);
  return next({ ctx: { auth } });
});

/** A procedure any valid credential may call (the portal's own routes check for a session themselves). */
export const authenticatedProcedure = authenticated;

/**
 * A procedure that needs an API key holding `scope`. Authentication, the rate limit, the scope check and
 * `Idempotency-Key` handling (mutations only) run in that order before the procedure.
 */
export function scopedProcedure(scope: Scope) {
  return authenticated.use(async ({ ctx, type, path, getRawInput, next }) => {
    if (!hasScope(ctx.auth.scopes, scope)) {
      throw new AppError('insufficient_permissions', `This API key lacks the ${scope} permission`, {
        required: scope,
      });
    }
    const key = ctx.headers['idempotency-key'];
    if (type !== 'mutation' || !key) return next();
    const outcome = await runIdempotent(
      ctx.em,
      {
        accountId: ctx.auth.account.id,
        key,
        operation: path,
        input: await getRawInput(),
        ttlHours: ctx.deps.env.IDEMPOTENCY_TTL_HOURS,
        now: new Date(),
      },
      async (em) => {
        const result = await next({ ctx: { em } });
        // A failed call must roll its claim back, so the error leaves the transaction as a throw.
        if (!result.ok) throw result.error;
        return { value: result, response: result.data };
      },
    );
    if (outcome.replayed) {
      ctx.res?.setHeader('Idempotent-Replayed', 'true');
      // A stored response is returned as the procedure's result; it passed output validation when first made.
      return { ok: true as const, data: outcome.data, marker: undefined as never };
    }
    return outcome.data;
  });
}

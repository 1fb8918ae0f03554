import { Scope, hasScope } from '../auth/caller';
import type { Caller } from '../auth/caller';
import type { Db } from '../db';
import { AppError, ErrorCode, validationFailed } from '../errors';
import { readAuditLog, verifyAuditChain } from './chain';
import type { AuditChainVerification, AuditLogPage } from './chain';

/** What the audit queries need from a subgraph's context. */
export interface AuditContext {
  db: Db;
  caller: Caller;
}

const MAX_PAGE = 500;
const CURSOR = /^[1-9][0-9]{0,15}$/;

function requireAuditReader(ctx: AuditContext, field: string): void {
  if (!hasScope(ctx.caller, Scope.AUDIT_READ))
    throw new AppError(ErrorCode.FORBIDDEN, `${field} refused: the token lacks scope ${Scope.AUDIT_READ}`, {
      field,
    });
}

type AuditQueries = Record<
  string,
  (source: unknown, args: Record<string, unknown>, ctx: AuditContext) => Promise<unknown>
>;

/**
 * `Query.<schema>AuditLog` and `Query.<schema>AuditChain` over the subgraph's own log, for
 * callers with scope `audit:read`; spread them into the subgraph's Query resolvers.
 */
export function auditQueries(schema: string): AuditQueries {
  const logField = `${schema}AuditLog`;
  const chainField = `${schema}AuditChain`;
  return {
    async [logField](_source, args, ctx): Promise<AuditLogPage> {
      requireAuditReader(ctx, logField);
      const first = (args.first as number | null | undefined) ?? 50;
      if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE)
        throw validationFailed('first', `must be between 1 and ${MAX_PAGE}`);
      const after = args.after as string | null | undefined;
      if (after != null && !CURSOR.test(after))
        throw validationFailed('after', 'must be an endCursor of a previous page');
      return readAuditLog(ctx.db, schema, { first, after: after == null ? null : Number(after) });
    },
    async [chainField](_source, _args, ctx): Promise<AuditChainVerification> {
      requireAuditReader(ctx, chainField);
      return verifyAuditChain(ctx.db, schema);
    },
  };
}

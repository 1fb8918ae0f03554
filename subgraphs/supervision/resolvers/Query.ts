import { AppError, ErrorCode, validationFailed } from '../../../common/errors';
import { isUuid } from '../../../common/loaders';
import type { SupervisionContext } from '../context';
import { parseCreditCode } from '../domain/creditCode';
import { countEnterprises } from '../store/enterprises';
import type { EnterpriseCursor, EnterpriseFilter } from '../store/enterprises';
import type { EnterpriseRow } from '../store/rows';

export const MAX_PAGE_SIZE = 100;

// Cursors are opaque to clients: base64url of the last row's sort key.
export const encodeCursor = (r: EnterpriseCursor): string =>
  Buffer.from(JSON.stringify([r.name, r.id])).toString('base64url');

export function decodeCursor(cursor: string): EnterpriseCursor {
  try {
    const [name, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof name === 'string' && typeof id === 'string' && isUuid(id)) return { name, id };
  } catch {
    // fall through to the error below
  }
  throw validationFailed('after', 'not a cursor returned by this API');
}

export interface EnterpriseConnectionSource {
  rows: EnterpriseRow[];
  hasNextPage: boolean;
  filter: EnterpriseFilter;
}

export const Query = {
  enterprise: (_: unknown, { id }: { id: string }, ctx: SupervisionContext) =>
    isUuid(id) ? ctx.loaders.enterprise.load(id) : null,

  enterpriseByCreditCode: (_: unknown, { creditCode }: { creditCode: string }, ctx: SupervisionContext) =>
    ctx.loaders.enterpriseByCreditCode.load(parseCreditCode(creditCode)),

  enterprises: async (
    _: unknown,
    args: { filter?: EnterpriseFilter | null; first?: number | null; after?: string | null },
    ctx: SupervisionContext,
  ): Promise<EnterpriseConnectionSource> => {
    const first = args.first ?? 20;
    if (first < 1 || first > MAX_PAGE_SIZE) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, `first: must be between 1 and ${MAX_PAGE_SIZE}`, {
        field: 'first',
      });
    }
    const filter = args.filter ?? {};
    const after = args.after ? decodeCursor(args.after) : null;
    // Through a loader: the pages of operations batched into one HTTP request share a statement.
    const page = await ctx.loaders.enterprisePage.load({ filter, first, after });
    // Later fields of the same request (grid, risks…) find these rows without another query.
    for (const row of page.rows) ctx.loaders.enterprise.prime(row.id, row);
    return { ...page, filter };
  },
};

// Encoded only when asked for: most pages want the end cursor alone, not one per edge.
export const EnterpriseEdge = {
  cursor: (edge: { node: EnterpriseRow }) => encodeCursor(edge.node),
};

export const EnterpriseConnection = {
  edges: (c: EnterpriseConnectionSource) => c.rows.map((node) => ({ node })),
  pageInfo: (c: EnterpriseConnectionSource) => ({
    hasNextPage: c.hasNextPage,
    endCursor: c.rows.length ? encodeCursor(c.rows[c.rows.length - 1]!) : null,
  }),
  // Counted only when asked for: a count over a city-wide filter is the expensive part of a page.
  totalCount: (c: EnterpriseConnectionSource, _: unknown, ctx: SupervisionContext) =>
    countEnterprises(ctx.db, c.filter, ctx.area),
};

export type Row = Record<string, unknown>;

/** What store code needs from a connection: parameterised statements returning rows. */
export interface Queryable {
  query<R = Row>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a script of several statements without parameters (migrations, seeds' DDL). */
  exec(script: string): Promise<void>;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Runs `fn` in one transaction: every statement inside commits together or not at all. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /**
   * Statements sent through this handle (transactions included, BEGIN/COMMIT excluded).
   * Tests read it to prove a request costs a constant number of statements.
   */
  readonly stats: { statements: number };
}

/** A database engine shared by the handles made from it; closing it closes them all. */
export interface DbEngine {
  readonly kind: Db['kind'];
  /** A new handle with its own statement counter over the same engine. */
  handle(): Db;
  close(): Promise<void>;
}

/** PostgreSQL error codes the stores translate into client-facing errors. */
export const PG_UNIQUE_VIOLATION = '23505';

export function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === PG_UNIQUE_VIOLATION;
}

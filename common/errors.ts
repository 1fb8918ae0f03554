import { GraphQLError } from 'graphql';

/**
 * Every error code a client can see in `extensions.code`. The README's error table is
 * checked against this enum by a test, so adding a code means documenting it.
 */
export enum ErrorCode {
  /** The request's input broke a rule (missing, malformed or out of range); `extensions.field` names it. */
  VALIDATION_FAILED = 'VALIDATION_FAILED',
  /** A unified social credit code is not 18 characters of the GB 32100-2015 alphabet. */
  CREDIT_CODE_MALFORMED = 'CREDIT_CODE_MALFORMED',
  /** A unified social credit code's check character does not match its first 17 characters. */
  CREDIT_CODE_CHECKSUM = 'CREDIT_CODE_CHECKSUM',
  /** The id or key named in the request does not exist. */
  NOT_FOUND = 'NOT_FOUND',
  /** A record with the same unique key exists already. */
  ALREADY_EXISTS = 'ALREADY_EXISTS',
  /** The requested lifecycle step is not allowed from the record's current state. */
  ILLEGAL_TRANSITION = 'ILLEGAL_TRANSITION',
  /** The step is legal but a precondition is missing (e.g. a major hazard without a rectification plan). */
  PRECONDITION_FAILED = 'PRECONDITION_FAILED',
  /**
   * A retried mutation reused an `idempotencyKey` with a different payload (or for another
   * operation); the first request's result stands and nothing was changed.
   */
  IDEMPOTENCY_KEY_REUSED = 'IDEMPOTENCY_KEY_REUSED',
  /** No valid credentials: the bearer token is missing, malformed, expired, for another audience, or signed by a key or algorithm not accepted; the message says which. Subgraphs answer it to a request without a valid signed caller. */
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  /** The caller is authenticated but may not see this field or act on this record; `extensions.field` or the message names it. */
  FORBIDDEN = 'FORBIDDEN',
  /** The request body is larger than the gateway's BODY_LIMIT (HTTP 413); nothing of it was executed. */
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  /** The document has more lexical tokens than QUERY_MAX_TOKENS; parsing stopped there. */
  QUERY_TOO_MANY_TOKENS = 'QUERY_TOO_MANY_TOKENS',
  /** The operation nests fields (through fragments too) deeper than QUERY_MAX_DEPTH. */
  QUERY_TOO_DEEP = 'QUERY_TOO_DEEP',
  /** The operation uses more field aliases (counted through fragments) than QUERY_MAX_ALIASES. */
  QUERY_TOO_MANY_ALIASES = 'QUERY_TOO_MANY_ALIASES',
  /** The operation's estimated cost (fields times list sizes) exceeds QUERY_MAX_COST. */
  QUERY_TOO_COSTLY = 'QUERY_TOO_COSTLY',
  /** A partner (PARTNER_BUREAU) sent an operation that is not one of its registered operations (HTTP 403). */
  OPERATION_NOT_IN_SAFELIST = 'OPERATION_NOT_IN_SAFELIST',
  /** The partner sent more requests than its rate allows (HTTP 429); `Retry-After` says when to try again. */
  RATE_LIMITED = 'RATE_LIMITED',
  /** The hash of an automatically persisted query is not stored (yet): send the query text with it (HTTP 200, as Apollo Server answers it). */
  PERSISTED_QUERY_NOT_FOUND = 'PERSISTED_QUERY_NOT_FOUND',
  /** A subgraph did not answer (down, refused the connection, or answered with an HTTP error). */
  SUBGRAPH_UNAVAILABLE = 'SUBGRAPH_UNAVAILABLE',
  /** A subgraph did not answer within the gateway's per-subgraph timeout. */
  SUBGRAPH_TIMEOUT = 'SUBGRAPH_TIMEOUT',
  /** The operation is not valid GraphQL for this schema (raised by graphql-js / Apollo Server). */
  GRAPHQL_VALIDATION_FAILED = 'GRAPHQL_VALIDATION_FAILED',
  /** The request could not be parsed as GraphQL (raised by Apollo Server). */
  GRAPHQL_PARSE_FAILED = 'GRAPHQL_PARSE_FAILED',
  /** A variable or argument has the wrong type (raised by Apollo Server while coercing input). */
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  /** The HTTP request itself is malformed (raised by Apollo Server). */
  BAD_REQUEST = 'BAD_REQUEST',
  /** An unexpected fault; details are logged on the server and never sent to the client. */
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/** Codes that may travel from a subgraph to the client unchanged; anything else is masked. */
export const PUBLIC_ERROR_CODES: ReadonlySet<string> = new Set(
  Object.values(ErrorCode).filter((c) => c !== ErrorCode.INTERNAL_SERVER_ERROR),
);

export type ErrorExtensions = Record<string, unknown>;

/** An expected failure with a stable code; its message is safe to show the caller. */
export class AppError extends GraphQLError {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, extensions: ErrorExtensions = {}) {
    super(message, { extensions: { ...extensions, code } });
    this.code = code;
    this.name = 'AppError';
  }
}

export const notFound = (type: string, id: string): AppError =>
  new AppError(ErrorCode.NOT_FOUND, `${type} ${JSON.stringify(id)} does not exist`, { type, id });

export const validationFailed = (field: string, message: string): AppError =>
  new AppError(ErrorCode.VALIDATION_FAILED, `${field}: ${message}`, { field });

export const illegalTransition = (type: string, from: string, action: string, allowed: readonly string[]) =>
  new AppError(
    ErrorCode.ILLEGAL_TRANSITION,
    `${type} in state ${from} cannot ${action}; allowed from ${from}: ${allowed.length ? allowed.join(', ') : 'none (final state)'}`,
    { from, action, allowed },
  );

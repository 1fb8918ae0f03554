import { RemoteGraphQLDataSource } from '@apollo/gateway';
import type { Agent } from 'undici';
import { fetch as undiciFetch } from 'undici';
import { AppError, ErrorCode, PUBLIC_ERROR_CODES } from '../../common/errors';
import type { Logger } from '../../common/logger';

export interface SubgraphDataSourceOptions {
  /** Subgraph name, as in the supergraph; errors carry it as `extensions.serviceName`. */
  name: string;
  url: string;
  /** Abort the subgraph request after this many milliseconds. */
  timeoutMs: number;
  /** Shared keep-alive connection pool. */
  dispatcher: Agent;
  logger: Logger;
}

type Fetcher = NonNullable<NonNullable<ConstructorParameters<typeof RemoteGraphQLDataSource>[0]>['fetcher']>;

// Checked by name, not instanceof: undici's DOMException may come from another realm (a VM context).
const isTimeout = (err: unknown): boolean => {
  const e = err as { name?: unknown; cause?: { name?: unknown } } | null;
  return e?.name === 'TimeoutError' || e?.cause?.name === 'TimeoutError';
};

/**
 * The one place subgraph calls are customised: keep-alive HTTP through undici with a timeout,
 * and transport failures turned into errors that name the subgraph but never echo its body.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource {
  private readonly options: SubgraphDataSourceOptions;

  constructor(options: SubgraphDataSourceOptions) {
    const fetcher = ((url: string, init: Record<string, unknown>) =>
      undiciFetch(url, {
        ...init,
        dispatcher: options.dispatcher,
        signal: AbortSignal.timeout(options.timeoutMs),
      })) as unknown as Fetcher;
    super({ url: options.url, fetcher });
    this.options = options;
  }

  /**
   * A subgraph answers HTTP 4xx with a GraphQL body when it rejects the request itself (e.g. a
   * variable its scalar refuses): that is the client's error, passed on with its code. Any
   * other failed response is the subgraph's fault and is reported without its body.
   */
  override async errorFromResponse(response: Parameters<RemoteGraphQLDataSource['errorFromResponse']>[0]) {
    const body: unknown = await this.parseBody(response).catch(() => undefined);
    const first = (body as { errors?: { message?: unknown; extensions?: { code?: unknown } }[] } | undefined)
      ?.errors?.[0];
    const code = first?.extensions?.code;
    if (typeof code === 'string' && PUBLIC_ERROR_CODES.has(code) && typeof first?.message === 'string') {
      return new AppError(code as ErrorCode, first.message, { serviceName: this.options.name });
    }
    return super.errorFromResponse(response);
  }

  override didEncounterError(error: Error, _req: unknown, response?: { status: number }): void {
    const serviceName = this.options.name;
    if (error instanceof AppError) throw error;
    if (isTimeout(error)) {
      throw new AppError(
        ErrorCode.SUBGRAPH_TIMEOUT,
        `subgraph ${serviceName} did not answer within ${this.options.timeoutMs} ms`,
        {
          serviceName,
        },
      );
    }
    this.options.logger.warn(
      { err: error, serviceName, status: response?.status },
      'subgraph request failed',
    );
    throw new AppError(
      ErrorCode.SUBGRAPH_UNAVAILABLE,
      response
        ? `subgraph ${serviceName} answered HTTP ${response.status}`
        : `subgraph ${serviceName} is unreachable`,
      { serviceName },
    );
  }
}

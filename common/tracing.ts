import { createRequire } from 'node:module';
import { z } from 'zod';
import { optionalUrl, parseConfig } from './config';
import type { Logger } from './logger';

export interface TracingConfig {
  /**
   * OTLP/HTTP collector base URL (spans go to `<endpoint>/v1/traces`, JSON encoded). Tracing is
   * off, and no OpenTelemetry SDK code is loaded, while it is unset.
   * @default unset
   */
  readonly endpoint: string | undefined;
  /** `service.name` of the spans. @default the process's own name (gateway, supervision, …) */
  readonly serviceName: string;
}

const schema = z.object({
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  OTEL_SERVICE_NAME: z.string().optional(),
});

/** Reads the two OpenTelemetry variables this project honours (the SDK reads the other `OTEL_*` ones itself). */
export function loadTracingConfig(env: Record<string, string | undefined>, service: string): TracingConfig {
  const raw = parseConfig(schema, env);
  return Object.freeze({
    endpoint: raw.OTEL_EXPORTER_OTLP_ENDPOINT,
    serviceName: raw.OTEL_SERVICE_NAME ?? service,
  });
}

export interface Tracing {
  readonly enabled: boolean;
  /** Flushes buffered spans and stops exporting. */
  shutdown(): Promise<void>;
}

// Probes are frequent and say nothing about a request's path through the graph.
const UNTRACED_PATHS = new Set(['/health', '/ready', '/metrics']);

/**
 * Starts OpenTelemetry tracing (HTTP server and client spans, undici fetches, and the spans
 * Apollo's gateway emits by itself) exporting over OTLP/HTTP, when `config.endpoint` is set.
 * Call it before the servers are created. When off it returns at once and imports nothing.
 */
export async function startTracing(config: TracingConfig, logger: Logger): Promise<Tracing> {
  if (!config.endpoint) return { enabled: false, shutdown: async () => undefined };
  const [{ NodeSDK }, { OTLPTraceExporter }, { HttpInstrumentation }, { UndiciInstrumentation }] =
    await Promise.all([
      import('@opentelemetry/sdk-node'),
      import('@opentelemetry/exporter-trace-otlp-http'),
      import('@opentelemetry/instrumentation-http'),
      import('@opentelemetry/instrumentation-undici'),
    ]);
  const sdk = new NodeSDK({
    serviceName: config.serviceName,
    traceExporter: new OTLPTraceExporter({ url: `${config.endpoint.replace(/\/+$/, '')}/v1/traces` }),
    // Traces only: metrics are Prometheus's job (`/metrics`) and logs go to stdout; without these
    // empty lists the SDK would also export both over OTLP by default.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => UNTRACED_PATHS.has((req.url ?? '').split('?')[0]!),
      }),
      new UndiciInstrumentation(),
    ],
  });
  sdk.start();
  // The HTTP instrumentation patches `http` when it is next required; the servers may have loaded
  // it already, so require it once more through the hooked loader.
  createRequire(__filename)('http');
  logger.info({ endpoint: config.endpoint, serviceName: config.serviceName }, 'tracing on');
  return { enabled: true, shutdown: () => sdk.shutdown() };
}

import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { NextFunction, Request, Response } from 'express';
import type { PlaygroundExample } from './examples';

export interface PlaygroundOptions {
  /** Path of the GraphQL endpoint; queries go to it and subscriptions to ws(s):// on the same path. @default '/graphql' */
  endpoint?: string;
  /** Tabs opened on a first visit (a browser keeps its own tabs afterwards). @default one empty tab */
  examples?: readonly PlaygroundExample[];
  /** Page title. @default 'GraphQL playground' */
  title?: string;
}

interface Variant {
  body: Buffer;
  encoding?: 'br' | 'gzip';
}

/**
 * GraphiQL (with schema docs, a headers editor and graphql-ws subscriptions) as one
 * self-contained page: every script, style, font and worker is inlined from
 * `@graphql-yoga/render-graphiql`, so it works without reaching any CDN. The 9 MB page is
 * rendered and compressed once, here; requests only pick an encoding. The renderer is loaded
 * here too, not when the gateway starts: its inlined bundle costs a process about 75 MB, which a
 * gateway without the playground should not carry.
 */
export async function createPlaygroundHandler(options: PlaygroundOptions = {}) {
  const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
  const html = Buffer.from(
    renderGraphiQL({
      title: options.title ?? 'GraphQL playground',
      endpoint: options.endpoint ?? '/graphql',
      subscriptionsProtocol: 'WS',
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
      schemaDescription: true,
      ...(options.examples?.length
        ? {
            defaultTabs: options.examples.map((e) => ({
              query: e.query,
              ...(e.variables ? { variables: e.variables } : {}),
            })),
            defaultQuery: options.examples[0]!.query,
          }
        : {}),
    }),
  );
  const etag = `"${createHash('sha256').update(html).digest('base64url').slice(0, 27)}"`;
  // On libuv's thread pool, both at once: done synchronously they held the event loop (and so a
  // start) for ~0.6 s.
  const [br, gz] = await Promise.all([
    promisify(brotliCompress)(html, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5 } }),
    promisify(gzip)(html, { level: 6 }),
  ]);
  const variants: Record<'br' | 'gzip' | 'identity', Variant> = {
    br: { body: br, encoding: 'br' },
    gzip: { body: gz, encoding: 'gzip' },
    identity: { body: html },
  };

  return (req: Request, res: Response, next: NextFunction): void => {
    // A browser navigating here; API clients (and GET queries: `?query=`) go on to GraphQL.
    if (req.method !== 'GET' || req.query.query !== undefined || !req.headers.accept?.includes('text/html')) {
      next();
      return;
    }
    res.setHeader('vary', 'accept, accept-encoding');
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('etag', etag);
    if (req.headers['if-none-match'] === etag) {
      res.status(304).end();
      return;
    }
    const accepted = req.acceptsEncodings('br', 'gzip', 'identity');
    const variant = variants[accepted === 'br' || accepted === 'gzip' ? accepted : 'identity'];
    if (variant.encoding) res.setHeader('content-encoding', variant.encoding);
    res.type('html').send(variant.body);
  };
}

/**
 * `POST /ingest/readings` for IoT gateways: the same batch as `Mutation.ingestReadings`, as plain
 * JSON, answered by the same service. 200 with the result (each reading's alarm as `alarmId`);
 * 401 without a key of `INGEST_KEYS` as `Authorization: Bearer <key>`;
 * 400 `{ error }` when the body is not `{ "readings": [ … ] }` of at most 1000 objects; 413 over
 * the body limit. Problems with a single reading are reported in its result, never as a 400.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import express from 'express';
import type { Express, NextFunction, Request, Response } from 'express';
import type { Db } from '../../common/db';
import type { Logger } from '../../common/logger';
import type { Thresholds } from './domain/thresholds';
import { MAX_BATCH, ingestReadings } from './ingest';
import type { IncomingReading } from './ingest';

export const INGEST_PATH = '/ingest/readings';

/** A batch of 1000 readings is ≈ 130 kB of JSON; this leaves room for verbose gateways. */
export const INGEST_BODY_LIMIT = '1mb';

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** One reading's fields; a wrong type makes the reading MALFORMED (the rest of the batch goes on). */
export function parseReading(raw: unknown): IncomingReading {
  const r = isObject(raw) ? raw : {};
  const deviceId = typeof r.deviceId === 'string' ? r.deviceId : '';
  const problems: string[] = [];
  if (!isObject(raw)) problems.push('a reading must be an object');
  else {
    if (typeof r.deviceId !== 'string') problems.push('deviceId must be a string');
    if (typeof r.at !== 'string' || Number.isNaN(Date.parse(r.at)))
      problems.push('at must be an ISO-8601 instant');
    if (typeof r.value !== 'number') problems.push('value must be a number');
    if (typeof r.unit !== 'string') problems.push('unit must be a string');
  }
  return {
    deviceId,
    at: new Date(typeof r.at === 'string' ? r.at : Number.NaN),
    value: typeof r.value === 'number' ? r.value : Number.NaN,
    unit: typeof r.unit === 'string' ? r.unit : '',
    ...(problems.length ? { problem: problems.join('; ') } : {}),
  };
}

/** Whether `authorization` is `Bearer <one of keys>`, compared in constant time. */
function keyAccepted(authorization: string | undefined, keys: readonly string[]): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) return false;
  const given = createHash('sha256').update(match[1]!).digest();
  // Every key is compared, so the time taken says nothing about which one nearly matched.
  return keys
    .map((k) => timingSafeEqual(given, createHash('sha256').update(k).digest()))
    .reduce((a, b) => a || b, false);
}

export function ingestRoutes(db: Db, thresholds: Thresholds, logger: Logger, ingestKeys: readonly string[]) {
  return (app: Express): void => {
    app.post(
      INGEST_PATH,
      // IoT gateways are machines, not people: they hold an API key, not a user's token.
      (req: Request, res: Response, next: NextFunction) => {
        if (keyAccepted(req.header('authorization'), ingestKeys)) return next();
        logger.warn({ ip: req.ip }, 'reading batch without a valid ingestion key refused');
        res
          .status(401)
          .set('www-authenticate', 'Bearer')
          .json({ error: 'a valid ingestion key is required (Authorization: Bearer <key>)' });
      },
      express.json({ limit: INGEST_BODY_LIMIT }),
      async (req: Request, res: Response) => {
        const body: unknown = req.body;
        if (!isObject(body) || !Array.isArray(body.readings)) {
          res.status(400).json({ error: 'the body must be a JSON object { "readings": [ … ] }' });
          return;
        }
        if (body.readings.length > MAX_BATCH) {
          res.status(400).json({ error: `readings: must hold at most ${MAX_BATCH} readings` });
          return;
        }
        try {
          const outcome = await ingestReadings(db, thresholds, body.readings.map(parseReading));
          res.json(outcome);
        } catch (err) {
          logger.error({ err }, 'reading ingestion failed');
          res.status(500).json({ error: 'internal error' });
        }
      },
      // express.json's own failures: 413 over the limit, 400 for JSON that does not parse.
      (err: { status?: number; type?: string }, _req: Request, res: Response, next: NextFunction) => {
        if (err.type === 'entity.too.large')
          res.status(413).json({ error: `the body is over ${INGEST_BODY_LIMIT}` });
        else if (err.status && err.status < 500)
          res.status(err.status).json({ error: 'the body is not valid JSON' });
        else next(err);
      },
    );
  };
}

import type { Db } from '../../common/db';
import type { SupervisionConfig } from './config';
import { createSupervisionLoaders } from './loaders';
import type { SupervisionLoaders } from './loaders';

export interface SupervisionContext {
  db: Db;
  config: SupervisionConfig;
  loaders: SupervisionLoaders;
}

export function createSupervisionContext(db: Db, config: SupervisionConfig): SupervisionContext {
  return { db, config, loaders: createSupervisionLoaders(db) };
}

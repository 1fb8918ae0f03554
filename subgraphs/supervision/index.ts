import { runSubgraph } from '../runtime';
import { loadSupervisionConfig } from './config';
import { createSupervisionServer } from './server';

runSubgraph('supervision', createSupervisionServer, loadSupervisionConfig).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});

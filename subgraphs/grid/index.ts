import { runSubgraph } from '../runtime';
import { createGridServer } from './server';

void runSubgraph('grid', createGridServer).catch((err: unknown) => {
  console.error('grid subgraph failed to start', err);
  process.exit(1);
});

import { runSubgraph } from '../runtime';
import { loadEmergencyConfig } from './config';
import { createEmergencyServer } from './server';

// The logger does not exist yet when startup fails (config, database, migrations), hence console.
void runSubgraph('emergency', createEmergencyServer, loadEmergencyConfig).catch((err: unknown) => {
  console.error('emergency subgraph failed to start', err);
  process.exit(1);
});

// Prints the operations partners may run, with the sha256 each one is called by
// (`npm run partner-hashes -- [--dir schema/partner-operations]`; PARTNER_OPERATIONS_DIR works too).
// A partner sends `{ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": "<hash>" } },
// "variables": { … } }`. Editing a file (even its whitespace or comments) changes its hash.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_PARTNER_OPERATIONS_DIR, loadPartnerOperations } from '../gateway/security/safelist';

const { values } = parseArgs({
  options: { dir: { type: 'string' }, json: { type: 'boolean', default: false } },
});
const dir = resolve(values.dir ?? (process.env.PARTNER_OPERATIONS_DIR || DEFAULT_PARTNER_OPERATIONS_DIR));
const operations = loadPartnerOperations(dir);
if (values.json) {
  console.log(
    JSON.stringify(
      operations.map(({ hash, name, file }) => ({ hash, name, file })),
      null,
      2,
    ),
  );
} else {
  console.log(`${operations.length} partner operation(s) in ${dir}:`);
  for (const op of operations) console.log(`${op.hash}  ${op.name}  (${op.file})`);
}

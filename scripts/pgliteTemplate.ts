// `postinstall`: makes the empty PGlite cluster that new embedded databases start from (see
// common/db/pgliteTemplate.ts). Without it everything still works, only the first start is slower,
// so a failure here warns and never fails the install.
import { pgliteTemplateFile, writePgliteTemplate } from '../common/db/pgliteTemplate';

async function main(): Promise<void> {
  const started = Date.now();
  try {
    const file = await writePgliteTemplate();
    console.log(`PGlite template: ${file} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  } catch (err) {
    console.warn(
      `PGlite template not made (${pgliteTemplateFile()}): ${String(err)}; new databases will run initdb`,
    );
  }
}

void main();

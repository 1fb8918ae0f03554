import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

/**
 * An empty PGlite cluster, exactly as `initdb` leaves it, dumped once at install time
 * (`postinstall`). Running `initdb` in WebAssembly costs a new database 2–6 s; loading this
 * tarball costs about 0.5 s, which is most of what the first `npm start` on a fresh checkout
 * spends beyond a warm one. It lives under `node_modules/.cache`, so a fresh install remakes it
 * and its name carries PGlite's version, so a template from another PGlite is never loaded.
 */
export function pgliteTemplateFile(): string {
  // The package's entry point sits somewhere below its root; its package.json says which version.
  let dir = dirname(require.resolve('@electric-sql/pglite'));
  while (!existsSync(join(dir, 'package.json')) || !isPglitePackage(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the package.json of @electric-sql/pglite');
    dir = up;
  }
  const { version } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string };
  // <node_modules>/@electric-sql/pglite → <node_modules>/.cache/qsg
  return join(dir, '..', '..', '.cache', 'qsg', `pglite-${version}.tar`);
}

function isPglitePackage(file: string): boolean {
  return (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === '@electric-sql/pglite';
}

/** The install-time template, or undefined when there is none (the install skipped scripts). */
export function readPgliteTemplate(file = pgliteTemplateFile()): Blob | undefined {
  return existsSync(file) ? new Blob([readFileSync(file)]) : undefined;
}

/** Runs `initdb` once and keeps its result as the template; returns the file written. */
export async function writePgliteTemplate(file = pgliteTemplateFile()): Promise<string> {
  const pglite = await PGlite.create();
  try {
    // Uncompressed: 40 MB on disk, and it loads ~0.3 s faster than gzip's 4.5 MB.
    const tarball = await pglite.dumpDataDir('none');
    mkdirSync(dirname(file), { recursive: true });
    // Written aside and renamed, so a reader never sees half a tarball.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await tarball.arrayBuffer()));
    renameSync(partial, file);
    return file;
  } finally {
    await pglite.close();
  }
}

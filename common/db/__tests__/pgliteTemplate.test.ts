import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SUBGRAPHS } from '../../../subgraphs/catalog';
import { migrateSubgraph } from '../../../subgraphs/database';
import { createPgliteEngine } from '../pglite';
import { pgliteTemplateFile, readPgliteTemplate, writePgliteTemplate } from '../pgliteTemplate';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'qsg-pglite-template-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the install-time PGlite template', () => {
  it("is named after the installed PGlite's version, under node_modules/.cache", () => {
    const { version } = JSON.parse(
      readFileSync(join(__dirname, '../../../node_modules/@electric-sql/pglite/package.json'), 'utf8'),
    ) as { version: string };
    expect(pgliteTemplateFile()).toBe(
      join(__dirname, '../../../node_modules/.cache/qsg', `pglite-${version}.tar`),
    );
  });

  it('is absent rather than broken when the install did not make it', () => {
    expect(readPgliteTemplate(join(dir, 'missing.tar'))).toBeUndefined();
  });

  it('makes a cluster that every subgraph migrates into, like one from initdb', async () => {
    const file = await writePgliteTemplate(join(dir, 'template.tar'));
    const engine = await createPgliteEngine({ loadDataDir: readPgliteTemplate(file)! });
    try {
      const db = engine.handle();
      for (const { name } of SUBGRAPHS) await migrateSubgraph(name, db);
      const schemas = await db.query<{ n: string }>(
        `SELECT nspname AS n FROM pg_namespace WHERE nspname = ANY($1) ORDER BY 1`,
        [SUBGRAPHS.map((s) => s.name)],
      );
      expect(schemas.map((s) => s.n)).toEqual(SUBGRAPHS.map((s) => s.name).sort());
    } finally {
      await engine.close();
    }
  });

  it('starts a new data directory, and never replaces one that already holds a database', async () => {
    const dataDir = join(dir, 'data');
    const first = await createPgliteEngine({ dataDir });
    await first.handle().exec(`CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')`);
    await first.close();

    const again = await createPgliteEngine({ dataDir });
    try {
      expect(await again.handle().query(`SELECT v FROM kept`)).toEqual([{ v: 'still here' }]);
    } finally {
      await again.close();
    }
  });
});

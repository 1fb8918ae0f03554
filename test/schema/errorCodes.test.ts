import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode } from '../../common/errors';

describe('README error table', () => {
  it('documents exactly the codes of the ErrorCode enum', () => {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Error codes'));
    const documented = [...section.matchAll(/^\| `([A-Z_]+)` +\|/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.values(ErrorCode).sort());
  });
});

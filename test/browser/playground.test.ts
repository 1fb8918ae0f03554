import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext } from 'playwright-core';
import { startTestSystem } from '../harness/system';
import type { TestSystem } from '../harness/system';
import { until } from '../integration/operations.helpers';

// Real headless Chromium (Debian's /usr/bin/chromium) against the real system: the playground must
// load with every asset served by the gateway itself and run the Enterprise 360 example.
const ARTIFACTS = join(__dirname, '..', '..', 'test-artifacts');
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost']);

let sys: TestSystem;
let context: BrowserContext;
let profile: string;

beforeAll(async () => {
  sys = await startTestSystem({ PLAYGROUND: 'true', INTROSPECTION: 'true' });
  profile = mkdtempSync(join(tmpdir(), 'qsg-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await context?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await sys?.stop();
});

const normalise = (text: string) => text.replace(/\u00a0/g, ' ');

describe('the playground in a browser', () => {
  it('loads offline, shows the examples, and runs Enterprise 360', async () => {
    const page = await context.newPage();
    // What a user pastes into the playground's Headers pane.
    await page.setExtraHTTPHeaders({ authorization: `Bearer ${sys.adminToken}` });
    const requested: string[] = [];
    page.on('request', (req) => requested.push(req.url()));

    const response = await page.goto(sys.gatewayUrl);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-encoding']).toMatch(/^(br|gzip)$/); // served compressed

    // The first tab is the Enterprise 360 example with its demo id in the variables.
    const query = page.locator('.graphiql-query-editor');
    await query.getByText('Enterprise360', { exact: false }).first().waitFor({ timeout: 30_000 });
    await page.getByRole('tab').filter({ hasText: 'DistrictEnterprisesByRisk' }).first().waitFor();

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.locator('.graphiql-execute-button').click();
    const result = page.locator('.graphiql-response');
    // Poll the result pane's text (Monaco may split it across spans) until the answer is in.
    let text = '';
    try {
      await until(
        async () => (text = normalise(await result.innerText())),
        (t) => t.includes('青岛明新快餐店'),
        { timeoutMs: 30_000 },
      );
    } catch (err) {
      await page.screenshot({ path: join(ARTIFACTS, 'playground-failure.png'), fullPage: true });
      throw new Error(`result pane: ${text}`, { cause: err });
    }
    expect(text).toContain('"name": "青岛明新快餐店"');
    expect(text).toContain('"creditCode": "913702033HW5T6AMMX"');
    expect(text).not.toContain('"errors"');

    await page.screenshot({ path: join(ARTIFACTS, 'playground-enterprise360.png'), fullPage: true });

    const outside = requested.filter((url) => {
      const { protocol, hostname } = new URL(url);
      return !(protocol === 'data:' || protocol === 'blob:' || LOCAL_HOSTS.has(hostname));
    });
    expect(outside).toEqual([]);
    expect(requested.length).toBeGreaterThan(1); // the page, then at least introspection and the query
  });

  it('is not served when PLAYGROUND=false, while GET queries still execute', async () => {
    const off = await startTestSystem({ PLAYGROUND: 'false' });
    try {
      const html = await fetch(off.gatewayUrl, { headers: { accept: 'text/html' } });
      expect(html.headers.get('content-type')).not.toMatch(/text\/html/);
      const get = await fetch(`${off.gatewayUrl}?query=${encodeURIComponent('{ __typename }')}`, {
        headers: {
          'apollo-require-preflight': 'true',
          accept: 'text/html, application/json',
          authorization: `Bearer ${off.adminToken}`,
        },
      });
      expect(await get.json()).toEqual({ data: { __typename: 'Query' } });
    } finally {
      await off.stop();
    }
  });
});

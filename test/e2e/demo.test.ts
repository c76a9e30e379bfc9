import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { demoApi, openDemo, root, shots, tsx, type DemoWorld } from '../helpers/demo-server.js';

/**
 * Drives `npm start` (the demo portal on embedded PGlite) in real Chromium: each persona's
 * session is minted by the demo's MSP server with an API key, the <msp-fleet-table> widget shows
 * exactly that persona's customers, the theme switcher re-themes the widgets, and a customer id
 * the persona may not see shows "not found".
 */

function cli(dataDir: string, ...args: string[]) {
  return spawnSync(tsx, ['bff/cli.ts', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '', PORTICO_DATA_DIR: dataDir },
  });
}

function preset(name: string): Record<string, string> {
  const doc = JSON.parse(fs.readFileSync(path.join(root, 'themes', `${name}.json`), 'utf8')) as {
    color: Record<string, { $value?: string }>;
  };
  return Object.fromEntries(Object.entries(doc.color).flatMap(([k, v]) => (v.$value ? [[k, v.$value]] : [])));
}

/** The name heading of the customer shown in the open tab (`<msp-customer-detail>` inside `<msp-customer-tabs>`). */
const shownCustomer = (p: Page) => p.locator('msp-customer-tabs [role="tabpanel"]:not([hidden]) msp-customer-detail [part="name"]');

interface Row {
  id: string;
  name: string;
}

describe('the demo portal (npm start on PGlite)', () => {
  let world: DemoWorld | undefined;
  let context: BrowserContext;
  let page: Page;
  let url: string;
  let dataDir: string;
  const cspConsole: string[] = [];

  before(async () => {
    // Enough customers that the MSP admin's list spans two pages of the fleet API.
    world = await openDemo('demo', { PORTICO_SEED_CUSTOMERS: '80' });
    ({ context, page, url, dataDir } = world);
    // Records what the page's Content-Security-Policy blocked, as the console reports it too.
    context.on('console', (message) => {
      if (message.type() === 'error' && message.text().includes('Content Security Policy')) cspConsole.push(message.text().slice(0, 200));
    });
  });

  after(async () => {
    await world?.close();
  });

  async function ready(p: Page = page) {
    await p.waitForSelector('main[data-state="ready"]');
  }

  /** Every row of the virtualized table: scrolls it to the end, collecting rows as they render. */
  async function tableRows(p: Page = page): Promise<Row[]> {
    await p.waitForSelector('msp-fleet-table [role="row"][data-id]');
    const rows = await p.evaluate(async () => {
      const table = document.querySelector('msp-fleet-table')!;
      const shadow = table.shadowRoot!;
      const seen = new Map<string, string>();
      for (let step = 0; step < 2000; step++) {
        for (const row of Array.from(shadow.querySelectorAll<HTMLElement>('[role="row"][data-id]'))) {
          seen.set(row.dataset.id!, row.querySelector('[data-column="name"] .name')?.textContent?.trim() ?? '');
        }
        const body = shadow.querySelector<HTMLElement>('.body')!;
        const complete = shadow.querySelector('[role="grid"]')!.getAttribute('aria-rowcount') !== '-1';
        const atEnd = body.scrollTop + body.clientHeight >= body.scrollHeight - 2;
        if (complete && atEnd && seen.size === Number(shadow.querySelector('[role="grid"]')!.getAttribute('aria-rowcount')) - 2) break;
        body.scrollTop = atEnd ? body.scrollHeight : body.scrollTop + Math.max(40, body.clientHeight * 0.75);
        // (no named helper functions in here: the test's compiler would wrap them in a helper the page lacks)
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 30)));
      }
      return [...seen].map(([id, name]) => ({ id, name }));
    });
    return rows.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  /** What the BFF gives this persona: the truth the table is compared with. */
  async function apiRows(persona: string): Promise<Row[]> {
    const rows = await page.evaluate(async (persona) => {
      const session = (await (await fetch(`/demo/session?persona=${persona}`)).json()) as { token: string };
      const out: { id: string; name: string }[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const res = await fetch(`/v1/fleet?limit=200${query}`, { headers: { authorization: `Bearer ${session.token}` } });
        const body = (await res.json()) as { items: { id: string; name: string }[]; nextCursor: string | null };
        out.push(...body.items.map(({ id, name }) => ({ id, name })));
        cursor = body.nextCursor;
      } while (cursor);
      return out;
    }, persona);
    return rows.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  async function total(label: string): Promise<string> {
    return page.locator('msp-fleet-table [part="total"]', { hasText: label }).locator('dd').innerText();
  }

  async function signInAs(persona: string) {
    await page.selectOption('#persona', persona);
    await ready();
  }

  test('the MSP admin sees the portal with its navigation, the fleet widget and portfolio totals', async () => {
    await page.goto(url);
    await ready();
    await signInAs('msp-admin');
    assert.equal(await page.locator('#brand').innerText(), 'Northwind Cyber');
    assert.deepEqual(await page.locator('nav[aria-label="Main"] a').allInnerTexts(), ['Customers', 'Search', 'Reports', 'Scans', 'Settings', 'Outbox']);
    assert.equal(await page.locator('nav a[aria-current="page"]').innerText(), 'Customers');
    assert.equal(await page.locator('#org').innerText(), 'Northwind Cyber');
    await page.waitForSelector('msp-fleet-table [role="row"][aria-rowindex="3"]');
    await page.waitForFunction(() => !document.querySelector('msp-fleet-table')!.shadowRoot!.querySelector('[part="total"] dd')!.textContent!.includes('—'));
    await page.screenshot({ path: path.join(shots, 'demo-desktop-1280.png') });
    const rows = await tableRows();
    assert.ok(rows.length > 50, `expected Northwind's customers on more than one API page, got ${rows.length}`);
    assert.ok(rows.some((r) => r.name === 'Kestrel Logistics'), 'the revoked customer is listed');
    const lost = page.locator('msp-fleet-table [role="row"]', { hasText: 'Kestrel Logistics' }).locator('[part="status"]');
    if (await lost.count()) assert.match(await lost.innerText(), /connection lost/i);
    assert.equal(await page.locator('msp-fleet-table [part="total"]').count(), 4);
    assert.equal(await total('Customers'), String(rows.length));
  });

  test('each persona sees exactly its own rows', async () => {
    const seen: Record<string, Row[]> = {};
    for (const persona of ['msp-admin', 'msp-analyst', 'account-manager', 'customer-admin', 'customer-viewer', 'other-msp-admin']) {
      await signInAs(persona);
      const rows = await tableRows();
      assert.deepEqual(rows, await apiRows(persona), `${persona}: the table shows exactly what the BFF returns for this persona`);
      assert.equal(await total('Customers'), String(rows.length), `${persona}: the totals count the same customers`);
      seen[persona] = rows;
    }
    const names = (persona: string) => seen[persona]!.map((r) => r.name);
    const ids = (persona: string) => new Set(seen[persona]!.map((r) => r.id));

    assert.deepEqual(names('msp-analyst'), names('msp-admin'), 'the analyst sees every customer of its MSP');
    assert.equal(seen['account-manager']!.length, 3, 'the account manager sees only its assigned customers');
    assert.ok(seen['account-manager']!.every((r) => ids('msp-admin').has(r.id)));
    for (const persona of ['customer-admin', 'customer-viewer']) {
      await signInAs(persona);
      assert.equal(await page.locator('#customers-title').innerText(), 'Your organisation');
      assert.equal(seen[persona]!.length, 1, `${persona}: a customer sees only itself`);
      assert.equal(seen[persona]![0]!.name, await page.locator('#org').innerText());
    }
    assert.ok(seen['other-msp-admin']!.length > 0);
    assert.deepEqual(seen['other-msp-admin']!.filter((r) => ids('msp-admin').has(r.id)), [], 'the two MSPs share no customer');
    await signInAs('other-msp-admin');
    assert.equal(await page.locator('#brand').innerText(), 'Bluefin Security', 'the second MSP has its own portal');
  });

  test('the theme switcher re-themes the widgets through --msp-* tokens', async () => {
    await signInAs('msp-admin');
    await page.waitForSelector('msp-fleet-table [role="row"][aria-rowindex="3"]');
    const tokens = () =>
      page.evaluate(() => {
        const provider = document.querySelector('msp-provider')!;
        const table = document.querySelector('msp-fleet-table')!;
        return {
          background: getComputedStyle(provider).getPropertyValue('--msp-color-background').trim(),
          text: getComputedStyle(table).getPropertyValue('--msp-color-text').trim(),
          primary: getComputedStyle(table).getPropertyValue('--msp-color-primary').trim(),
          painted: getComputedStyle(provider).backgroundColor,
        };
      });
    assert.deepEqual(
      (await page.locator('#theme option').allInnerTexts()).map((t) => t.toLowerCase()),
      ['tenant theme', 'light', 'dark', 'high contrast'],
    );
    // The default: the signed-in org's own theme from the BFF, the MSP's fleet theme here.
    await page.selectOption('#theme', 'tenant');
    const me = await demoApi<{ org: { id: string } }>(page, '/v1/me');
    const own = await demoApi<{ tokens: Record<string, string> }>(page, `/v1/themes/${me.body.org.id}`);
    await page.waitForFunction(
      (primary) => getComputedStyle(document.querySelector('msp-fleet-table')!).getPropertyValue('--msp-color-primary').trim().toLowerCase() === primary,
      own.body.tokens['--msp-color-primary']!.toLowerCase(),
    );
    assert.equal((await tokens()).background.toLowerCase(), own.body.tokens['--msp-color-background']!.toLowerCase(), 'tenant: background token');
    const seen = new Set<string>();
    for (const name of ['light', 'dark', 'high-contrast']) {
      await page.selectOption('#theme', name);
      const expected = preset(name);
      const t = await tokens();
      assert.equal(t.background.toLowerCase(), expected.background!.toLowerCase(), `${name}: background token`);
      assert.equal(t.text.toLowerCase(), expected.text!.toLowerCase(), `${name}: text token reaches the table`);
      assert.equal(t.primary.toLowerCase(), expected.primary!.toLowerCase(), `${name}: primary token reaches the table`);
      seen.add(t.painted);
      if (name === 'dark') await page.screenshot({ path: path.join(shots, 'demo-dark-1280.png') });
    }
    assert.equal(seen.size, 3, 'each preset paints a different background');
    await page.selectOption('#theme', 'light');
  });

  test('selecting rows in the table is shown by the portal', async () => {
    await signInAs('msp-admin');
    const boxes = page.locator('msp-fleet-table [role="row"][data-id] [part="checkbox"]');
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.waitForSelector('#selection:not([hidden])');
    assert.equal(await page.locator('#selection-count').innerText(), '2 customers selected');
    await boxes.nth(0).uncheck();
    await boxes.nth(1).uncheck();
    await page.waitForSelector('#selection[hidden]', { state: 'attached' });
  });

  test('the selected customers get a tag: the preview counts them, and applying tags exactly those', async () => {
    await signInAs('msp-admin');
    const rows = page.locator('msp-fleet-table [role="row"][data-id]');
    const ids = [(await rows.nth(0).getAttribute('data-id'))!, (await rows.nth(1).getAttribute('data-id'))!];
    const tag = `e2e-${randomUUID().slice(0, 8)}`;
    await rows.nth(0).locator('[part="checkbox"]').check();
    await rows.nth(1).locator('[part="checkbox"]').check();
    await page.waitForSelector('#selection:not([hidden])');
    await page.getByRole('button', { name: 'Tags…' }).click();
    assert.equal(await page.locator('#tags-open').getAttribute('aria-expanded'), 'true');
    const add = page.getByLabel('Tags to add');
    assert.ok(await add.evaluate((el) => el === document.activeElement), 'the form opens with focus in its first field');
    await add.fill(tag);
    assert.ok(await page.locator('#tags-apply').isDisabled(), 'nothing to apply before a preview');
    await add.press('Enter');
    const status = page.locator('#tags-status');
    await page.waitForFunction(() => document.querySelector('#tags-status')?.textContent?.startsWith('Adds'));
    assert.equal(await status.innerText(), `Adds “${tag}” to 2 of 2 customers.`);
    assert.ok(await page.locator('#tags-apply').isEnabled());
    await page.screenshot({ path: path.join(shots, 'demo-tags-1280.png') });
    // A change after the preview needs a new one.
    await add.fill(`${tag}x`);
    assert.ok(await page.locator('#tags-apply').isDisabled(), 'the preview no longer matches the form');
    await add.fill(tag);
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.waitForFunction(() => document.querySelector('#tags-status')?.textContent?.startsWith('Adds'));
    assert.equal((await demoApi<{ items: unknown[] }>(page, `/v1/fleet?tag=${tag}`)).body.items.length, 0, 'a preview tags nothing');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForSelector('#selection[hidden]', { state: 'attached' });
    await page.locator('.toast[role="status"]', { hasText: 'Tags changed on 2 customers' }).waitFor();
    assert.ok(await page.locator('#tag-form-slot').isHidden());
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'customers-title', 'focus stays on the page, where the list starts');
    const tagged = await demoApi<{ items: { id: string }[] }>(page, `/v1/fleet?tag=${tag.toUpperCase()}`);
    assert.equal(tagged.status, 200);
    assert.deepEqual(tagged.body.items.map((r) => r.id).sort(), [...ids].sort(), 'the filter ignores case');

    // The new tag is now suggested: choosing it while in "Tags to remove" takes it off again.
    await rows.nth(0).locator('[part="checkbox"]').check();
    await page.getByRole('button', { name: 'Tags…' }).click();
    const suggestion = page.getByRole('button', { name: `${tag}, on 2 customers` });
    await suggestion.waitFor();
    await page.getByLabel('Tags to remove').focus();
    await page.waitForFunction(() => document.querySelector('#tag-suggestions-hint')?.textContent?.includes('Tags to remove'));
    await suggestion.click();
    assert.equal(await page.getByLabel('Tags to remove').inputValue(), tag);
    assert.equal(await page.getByLabel('Tags to add').inputValue(), '');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.waitForFunction(() => document.querySelector('#tags-status')?.textContent?.startsWith('Removes'));
    assert.equal(await page.locator('#tags-status').innerText(), `Removes “${tag}” from 1 of 1 customer.`);
    await page.screenshot({ path: path.join(shots, 'demo-tags-suggestions-1280.png') });
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForSelector('#selection[hidden]', { state: 'attached' });
    const left = await demoApi<{ items: { id: string }[] }>(page, `/v1/fleet?tag=${tag}`);
    assert.deepEqual(left.body.items.map((r) => r.id), [ids[1]]);
  });

  test('opening a customer from the row actions shows it in a tab', async () => {
    await signInAs('msp-admin');
    const row = page.locator('msp-fleet-table [role="row"][data-id]').first();
    const first = { id: (await row.getAttribute('data-id'))!, name: await row.locator('[data-column="name"] .name').innerText() };
    await row.locator('[part="actions-button"]').click();
    await page.screenshot({ path: path.join(shots, 'demo-row-menu-1280.png') });
    await page.locator('msp-fleet-table [role="menuitem"][data-action="open-customer"]').click();
    await page.waitForFunction((id) => location.hash === `#/customers/${id}`, first.id);
    await shownCustomer(page).waitFor();
    assert.equal(await shownCustomer(page).innerText(), first.name);
    assert.equal(await page.getByRole('tab', { name: first.name, selected: true }).count(), 1, 'the customer is the selected tab');
    await page.screenshot({ path: path.join(shots, 'demo-customer-1280.png'), fullPage: true });
    await page.locator('#tabs-home').click();
    await page.waitForSelector('msp-fleet-table:visible');
  });

  test('a customer id the persona may not see shows "not found"', async () => {
    await signInAs('other-msp-admin');
    const [foreign] = await tableRows();
    await page.goto(`${url}#/customers/${foreign!.id}`);
    await shownCustomer(page).waitFor();
    assert.equal(await shownCustomer(page).innerText(), foreign!.name, 'its own MSP sees it');

    await signInAs('msp-admin');
    await page.goto(`${url}#/customers/${foreign!.id}`);
    await page.waitForSelector('#customer-not-found');
    assert.match(await page.locator('#customer-not-found h1').innerText(), /not found/i);
    assert.equal(await shownCustomer(page).count(), 0);

    await page.goto(`${url}#/customers/not-a-customer-id`);
    await page.waitForSelector('#customer-not-found');
    await page.goto(`${url}#/customers`);
  });

  test('a session endpoint failure is reported as an msp-error toast', async () => {
    await page.route('**/demo/session?*', (route) =>
      route.fulfill({
        status: 503,
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: 'unavailable', title: 'Unavailable', status: 503, detail: 'The portal server is down for maintenance.' }),
      }),
    );
    try {
      await page.selectOption('#persona', 'msp-analyst');
      await page.waitForSelector('.toast-error');
      assert.match(await page.locator('.toast-error').first().innerText(), /down for maintenance/);
      await page.waitForSelector('main[data-state="error"]');
    } finally {
      await page.unroute('**/demo/session?*');
    }
    await signInAs('msp-admin');
    await page.locator('.toast-close').first().click();
  });

  test('the page works at http://127.0.0.1 as well as http://localhost', async () => {
    const other = await context.newPage();
    try {
      await other.goto(url.replace('localhost', '127.0.0.1'));
      await ready(other);
      const rows = await tableRows(other);
      assert.ok(rows.length > 0);
      assert.equal(await other.locator('.toast-error').count(), 0);
    } finally {
      await other.close();
    }
  });

  test('the portal fits a 360 px wide phone', async () => {
    const phone = await context.newPage();
    try {
      await phone.setViewportSize({ width: 360, height: 780 });
      await phone.goto(url);
      await ready(phone);
      // Below the open tabs and the totals the list starts under the fold; its rows render once it is scrolled to.
      await phone.locator('msp-fleet-table').scrollIntoViewIfNeeded();
      await phone.waitForSelector('msp-fleet-table [role="row"][data-id]');
      const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.equal(overflow, 0, 'no horizontal scrolling of the page');
      await phone.screenshot({ path: path.join(shots, 'demo-phone-360.png') });
      await phone.screenshot({ path: path.join(shots, 'demo-phone-360-full.png'), fullPage: true });
      const [first] = await tableRows(phone);
      await phone.goto(`${url}#/customers/${first!.id}`);
      await shownCustomer(phone).waitFor();
      assert.equal(await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth), 0);
      await phone.screenshot({ path: path.join(shots, 'demo-customer-phone-360.png'), fullPage: true });
      await phone.goto(`${url}#/customers/00000000-0000-4000-8000-000000000000`);
      await phone.waitForSelector('#customer-not-found');
      await phone.screenshot({ path: path.join(shots, 'demo-not-found-phone-360.png') });
    } finally {
      await phone.close();
    }
  });

  test('the portal page is served with a Content-Security-Policy that allows no inline script', async () => {
    const csp = (await page.request.get(url)).headers()['content-security-policy'] ?? '';
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.match(csp, /style-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-eval/);
    const violations = await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
    assert.deepEqual([...violations, ...cspConsole].slice(0, 5), [], 'nothing the widgets or the portal did was blocked');
  });

  test(
    "the widgets work under the strict policy docs/embedding.md describes (no 'unsafe-inline' at all)",
    // The widgets set inline styles through the CSSOM only (components/core/style-props.ts):
    // a style *attribute* would be blocked by `style-src 'self'`.
    async () => {
      const strict = await context.newPage();
      const blocked: string[] = [];
      strict.on('console', (m) => {
        if (m.type() === 'error' && m.text().includes('Content Security Policy')) blocked.push(m.text().slice(0, 160));
      });
      try {
        await strict.route(url, async (route) => {
          const response = await route.fetch();
          const csp = response.headers()['content-security-policy'] ?? '';
          assert.doesNotMatch(csp, /unsafe-inline/);
          await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': csp } });
        });
        await strict.goto(url);
        await ready(strict);
        const button = strict.locator('msp-fleet-table [part="actions-button"]').first();
        await button.click();
        const menu = await strict.locator('msp-fleet-table [part="actions-menu"]').boundingBox();
        const anchor = await button.boundingBox();
        assert.ok(menu && anchor && Math.abs(menu.y - (anchor.y + anchor.height)) < 40, 'the row menu opens next to its button');
        assert.deepEqual(blocked.slice(0, 3), []);
      } finally {
        await strict.close();
      }
    },
  );

  test('a CLI command refuses to open the data directory while the demo holds it, and changes nothing', () => {
    const before = fs.readdirSync(dataDir).sort();
    const result = cli(dataDir, 'seed', '--customers', '5');
    assert.equal(result.status, 1, result.stdout + result.stderr);
    assert.match(result.stderr, /in use by process \d+/);
    assert.match(result.stderr, /Nothing was changed/);
    assert.deepEqual(fs.readdirSync(dataDir).sort(), before);
  });

  test('after the demo stops, the CLI lists the seeded orgs', async () => {
    await world!.stopServer();
    const result = cli(dataDir, 'orgs', '--json');
    assert.equal(result.status, 0, result.stderr);
    const orgs = JSON.parse(result.stdout) as { slug: string; kind: string; parentId: string | null }[];
    assert.deepEqual(orgs.filter((o) => o.kind === 'msp').map((o) => o.slug).sort(), ['bluefin', 'northwind']);
    assert.ok(orgs.some((o) => o.kind === 'partner' && o.parentId));
  });
});

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { openDatabase, queryRows } from '../../bff/db/client.js';
import { seeded } from '../../bff/db/seed.js';
import { openDemo, shots, waitFor, type DemoWorld } from '../helpers/demo-server.js';

/**
 * Search in the demo portal, in real Chromium against `npm start`: the MSP admin searches
 * "smtp" under Search and gets exactly the customers whose open findings say so, with their
 * counts, opens one as the fleet does; the account manager gets only its assigned customers;
 * another MSP's admin none of them. What the page showed is checked against the demo's
 * database afterwards, read as the owner.
 */

/** The name heading of the customer shown in the open tab (`<msp-customer-detail>` inside `<msp-customer-tabs>`). */
const shownCustomer = (p: Page) => p.locator('msp-customer-tabs [role="tabpanel"]:not([hidden]) msp-customer-detail [part="name"]');

interface Shown {
  name: string;
  count: string;
}

describe('finding search in the demo portal', () => {
  let world: DemoWorld | undefined;
  let page: Page;
  let url: string;

  before(async () => {
    world = await openDemo('search', { SMTP_URL: '', PORTICO_SEED_CUSTOMERS: '20' });
    ({ page, url } = world);
  });

  after(async () => {
    await world?.close();
  });

  async function signInAs(persona: string) {
    await page.selectOption('#persona', persona);
    await page.waitForSelector('main[data-state="ready"]');
  }

  /** The customer groups on screen once the search settled, every page loaded. */
  async function results(): Promise<Shown[]> {
    const search = page.locator('msp-finding-search');
    // Settled: a summary of what was found, or "No … findings match" (not the prompt shown before any search).
    const settled = async () =>
      (await search.locator('[part="summary"]').textContent())?.includes(' at ') || /^No /.test((await search.locator('[data-state="empty"]').textContent({ timeout: 100 }).catch(() => '')) ?? '');
    await waitFor('the search to answer', async () => ((await settled()) ? true : undefined));
    for (let more = search.locator('[part="more"]'); (await more.count()) > 0; ) {
      const before = await search.locator('.group').count();
      await more.click();
      await waitFor('the next page', async () => ((await search.locator('.group').count()) > before ? true : undefined));
    }
    const names = await search.locator('.group .name').allTextContents();
    const counts = await search.locator('.group .count').allTextContents();
    return names.map((name, i) => ({ name, count: counts[i]!.trim() }));
  }

  const shown: Record<string, Shown[]> = {};

  test('the MSP admin searches "smtp" under Search, opens a group and then the customer, as the fleet opens it', async () => {
    await page.goto(url);
    await page.waitForSelector('main[data-state="ready"]');
    await signInAs('msp-admin');
    await page.click('a[data-nav="search"]');
    await page.waitForSelector('msp-finding-search');
    const search = page.locator('msp-finding-search');
    assert.match((await search.locator('[data-state="empty"]').textContent()) ?? '', /Type what to look for/);
    await search.locator('input[type="search"]').fill('smtp');
    shown.admin = await results();
    assert.ok(shown.admin.length >= 2, `customers with legacy SMTP AUTH: ${JSON.stringify(shown.admin)}`);

    const first = search.locator('.group').first();
    await first.locator('.toggle').press('Enter');
    assert.equal(await first.locator('.toggle').getAttribute('aria-expanded'), 'true');
    await page.screenshot({ path: path.join(shots, 'search-admin.png'), fullPage: true });
    const titles = await first.locator('tbody .title').allTextContents();
    assert.ok(titles.length > 0 && titles.every((t) => t === 'Legacy SMTP AUTH enabled on mail gateway'), titles.join(' | '));

    await first.locator('.open').click();
    await page.waitForFunction(() => location.hash.startsWith('#/customers/'));
    await waitFor('the customer detail', async () => ((await shownCustomer(page).textContent())?.trim() === shown.admin![0]!.name ? true : undefined));
    // Back returns to the same search.
    await page.goBack();
    await page.waitForFunction(() => location.hash === '#/search/findings/smtp');
    assert.deepEqual(await results(), shown.admin);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations), []);
  });

  test('the account manager finds only its assigned customers; another MSP none of Northwind\'s', async () => {
    await signInAs('account-manager');
    await page.goto(`${url}#/search/findings/smtp`);
    await page.waitForSelector('msp-finding-search');
    shown.accountManager = await results();
    await page.screenshot({ path: path.join(shots, 'search-account-manager.png'), fullPage: true });
    await signInAs('other-msp-admin');
    await page.goto(`${url}#/search/findings/smtp`);
    await page.waitForSelector('msp-finding-search');
    shown.otherMsp = await results();
    const admin = new Set(shown.admin!.map((s) => s.name));
    assert.ok(shown.otherMsp.every((s) => !admin.has(s.name)), JSON.stringify(shown.otherMsp));
  });

  test('what each saw is what the database holds', async () => {
    await world!.stopServer();
    const database = await openDatabase({ dataDir: world!.dataDir });
    try {
      const expected = async (scope: ReturnType<typeof sql>) =>
        (
          await queryRows<{ name: string; n: number }>(
            database.db,
            sql`select o.name, count(*)::int as n from findings f join orgs o on o.id = f.tenant_id
                 where f.status = 'open' and lower(f.type || ' ' || f.title) like '%smtp%' and f.tenant_id in (${scope})
                   and not exists (select 1 from portico.org_closure c join customer_profiles cp on cp.tenant_id = c.ancestor_id
                                    where c.descendant_id = f.tenant_id and cp.revoked_at is not null)
                 group by o.name order by o.name`,
          )
        )
          .map((r) => ({ name: r.name, count: `${r.n} ${r.n === 1 ? 'finding' : 'findings'}` }))
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const subtreeOf = (slug: string) => sql`select c.descendant_id from portico.org_closure c join orgs m on m.id = c.ancestor_id where m.slug = ${slug}`;
      const byName = (list: Shown[]) => [...list].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      assert.deepEqual(byName(shown.admin!), await expected(subtreeOf(seeded.mspA)));
      const assigned = await expected(
        sql`select a.tenant_id from account_manager_assignments a join users u on u.id = a.user_id join orgs m on m.id = u.tenant_id
             where m.slug = ${seeded.mspA} and u.external_id = ${seeded.staff.accountManager}`,
      );
      assert.deepEqual(byName(shown.accountManager!), assigned);
      assert.ok(assigned.length < shown.admin!.length, 'the account manager sees fewer customers than the admin');
      assert.deepEqual(byName(shown.otherMsp!), await expected(subtreeOf(seeded.mspB)));
    } finally {
      await database.close();
    }
  });
});

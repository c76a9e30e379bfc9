import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { openDatabase, queryRows } from '../../bff/db/client.js';
import { demoApi, openDemo, shots, waitFor, type DemoWorld } from '../helpers/demo-server.js';

/**
 * A customer's whole life in the demo portal, in real Chromium against `npm start`: an MSP admin
 * onboards it with the wizard, the invitation arrives in the demo's outbox (caught by a real SMTP
 * server), its link is accepted on the portal's public page, the admin locks the customer and
 * then deletes it with the typed confirmation; the purge job removes every row it owned, the
 * confirmation email arrives, and the database holds nothing of it afterwards.
 */

const NAME = 'Quince Logistics';
const EMAIL = 'mara.quince@quince-logistics.example';

interface OutboxItem {
  id: string;
  to: string;
  subject: string;
}

describe('customer lifecycle in the demo portal (create → invite → lock → delete)', () => {
  let world: DemoWorld | undefined;
  let page: Page;
  let url: string;

  before(async () => {
    world = await openDemo('life', { SMTP_URL: '', PORTICO_SEED_CUSTOMERS: '20' });
    ({ page, url } = world);
  });

  after(async () => {
    await world?.close();
  });

  /** A request to the BFF with the signed-in persona's session, made by the page. */
  const api = (pathname: string) => demoApi<Record<string, unknown>>(page, pathname);

  async function outbox(): Promise<OutboxItem[]> {
    const res = await fetch(new URL('/demo/outbox', url));
    return ((await res.json()) as { items: OutboxItem[] }).items;
  }


  test('the tenant is created, invited, locked and purged without a trace', async () => {
    await page.goto(url);
    await page.selectOption('#persona', 'msp-admin');
    await page.waitForSelector('main[data-state="ready"]');

    // Onboarding: six steps of the wizard.
    await page.getByRole('button', { name: 'New customer' }).click();
    const wizard = page.locator('msp-customer-create');
    await wizard.getByRole('radio', { name: 'Customer', exact: true }).check();
    await wizard.getByRole('button', { name: 'Next' }).click();
    await wizard.getByLabel('Company name').fill(NAME);
    await wizard.getByLabel('Country').selectOption('DE');
    await wizard.getByLabel('Street and number').fill('Hafenstraße 9');
    await wizard.getByLabel('Postal code').fill('28217');
    await wizard.getByLabel('City').fill('Bremen');
    await wizard.getByRole('button', { name: 'Next' }).click();
    await wizard.getByLabel('Name').fill('Mara Quince');
    await wizard.getByLabel('Email').fill(EMAIL);
    await wizard.getByRole('button', { name: 'Next' }).click();
    await wizard.getByRole('button', { name: 'Next' }).click(); // plan: trial, per asset (the defaults)
    await wizard.getByRole('radio', { name: 'Full' }).check();
    await wizard.getByRole('button', { name: 'Next' }).click();
    await wizard.getByRole('button', { name: 'Create customer' }).click();
    await wizard.getByText(`Invitation sent to ${EMAIL}`, { exact: false }).waitFor();
    await page.screenshot({ path: path.join(shots, 'lifecycle-created.png') });
    await page.getByRole('button', { name: 'Close the new customer form' }).click();

    const found = await api(`/v1/fleet?q=${encodeURIComponent(NAME)}`);
    const items = found.body.items as { id: string; name: string }[];
    assert.equal(items.length, 1, 'the new customer is in the fleet');
    const id = items[0]!.id;

    // The invitation arrives over SMTP; its link is accepted on the portal's public page.
    const invite = await waitFor('the invite email', async () => (await outbox()).find((m) => m.to.includes(EMAIL)));
    const message = (await (await fetch(new URL(`/demo/outbox/${invite.id}`, url))).json()) as { text: string; html: string };
    const link = message.text.match(/https?:\/\/\S+accept-invite\?token=[\w-]+/)?.[0];
    assert.ok(link, `an invite link in the text part:\n${message.text}`);
    assert.ok(message.html.includes(new URL(link).search), 'the same link in the HTML part');
    const invitee = await world!.browser.newPage();
    await invitee.goto(new URL(new URL(link).pathname + new URL(link).search, url).toString());
    await invitee.getByRole('button', { name: 'Accept invitation' }).click();
    await invitee.waitForSelector('#accept-invite[data-outcome="accepted"]');
    await invitee.close();

    // Lock: the customer detail's Actions menu, in the tab the wizard opened.
    const detail = page.locator(`msp-customer-detail[customer-id="${id}"]`);
    await page.goto(`${url}#/customers/${id}`);
    await detail.getByRole('button', { name: /Actions/ }).click();
    await detail.getByRole('menuitem', { name: 'Lock' }).click();
    await detail.getByRole('dialog').getByRole('button', { name: 'Lock' }).click();
    await waitFor('the lock', async () => ((await api(`/v1/customers/${id}`)).body.status === 'locked' ? true : undefined));
    await detail.getByText('Locked', { exact: true }).first().waitFor();
    await page.screenshot({ path: path.join(shots, 'lifecycle-locked.png') });

    // Delete: only after typing DELETE.
    await detail.getByRole('button', { name: /Actions/ }).click();
    await detail.getByRole('menuitem', { name: 'Delete customer' }).click();
    const dialog = detail.getByRole('dialog');
    const confirm = dialog.getByRole('button', { name: 'Delete customer' });
    assert.equal(await confirm.isDisabled(), true, 'nothing is deleted before DELETE is typed');
    await dialog.getByLabel(/Type DELETE to confirm/).fill('DELETE');
    await confirm.click();
    await detail.getByText('Deleting…').first().waitFor();

    // The purge job removes the tenant; the confirmation email follows.
    await waitFor('the purge', async () => ((await api(`/v1/customers/${id}`)).status === 404 ? true : undefined), 90_000);
    const confirmation = await waitFor('the deletion email', async () => (await outbox()).find((m) => /deleted/i.test(m.subject) && m.subject.includes(NAME)));
    assert.ok(confirmation.to.length > 0);

    // Afterwards the database holds no row of the tenant in any table.
    await world!.stopServer();
    const database = await openDatabase({ dataDir: world!.dataDir });
    try {
      const tables = await queryRows<{ name: string }>(
        database.db,
        sql`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
             where n.nspname = 'public' and c.relkind = 'r'
               and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)`,
      );
      assert.ok(tables.length >= 15);
      for (const { name } of tables) {
        const [row] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from ${sql.identifier(name)} where tenant_id = ${id}::uuid`);
        assert.equal(row?.n, 0, `${name} still holds rows of the deleted customer`);
      }
      const [org] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from orgs where id = ${id}::uuid or name = ${NAME}`);
      assert.equal(org?.n, 0, 'the org itself is gone');
      const [purged] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from audit_log where action = 'customer.purged' and target_id = ${id}::uuid`);
      assert.equal(purged?.n, 1, 'the managing org keeps one record of the purge');
    } finally {
      await database.close();
    }
  });
});

import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { minorToDecimal } from '../../demo/dom.js';
import { demoApi, openDemo, shots, waitFor, type DemoWorld } from '../helpers/demo-server.js';

/**
 * The MSP's money pages in the demo portal, in real Chromium against `npm start`: an MSP admin
 * raises a customer's IPs with the <msp-ip-distribution> widget and finds the new IPs, priced as
 * the API's invoice preview prices them, under Reports → Billing; edits a tier on Settings →
 * Pricing (a bad tier answered next to its field, a concurrent save reloaded) and sees a quote
 * follow it; an analyst gets neither page's data.
 */

interface Tier {
  upTo: number | null;
  unitMinor: number;
}

interface PriceTables {
  sell: { currency: string; articleName: string; articleNumber: string; tiers: Tier[] };
  cost: { currency: string; articleName: string; articleNumber: string; tiers: Tier[] };
  prepaidDiscountBps: number;
  version: number;
}

interface Preview {
  period: { start: string; end: string; label: string };
  currency: string;
  lines: { customerId: string; customerName: string; from: string; to: string; ips: number; amountMinor: number }[];
}

/** What the portal shows for an amount (page lang "en"; the seeded currencies have two decimals). */
const euros = (minor: number, currency: string) => new Intl.NumberFormat('en', { style: 'currency', currency }).format(minorToDecimal(minor, 2) as unknown as number);

describe('billing and pricing pages in the demo portal', () => {
  let world: DemoWorld | undefined;
  let page: Page;
  let url: string;

  before(async () => {
    // The pages are plain DOM code under the portal's strict CSP: nothing of them may be blocked (window.cspViolations).
    world = await openDemo('billing', { SMTP_URL: '', PORTICO_SEED_CUSTOMERS: '20' });
    ({ page, url } = world);
  });

  after(async () => {
    await world?.close();
  });

  /** A request to the BFF with a persona's session, made by the page. */
  const api = <T>(pathname: string, init: Parameters<typeof demoApi>[2] = {}) => demoApi<T>(page, pathname, init);

  async function signInAs(persona: string) {
    await page.selectOption('#persona', persona);
    await page.waitForSelector('main[data-state="ready"]');
  }

  async function open(hash: string) {
    await page.goto(`${url}${hash}`);
    await page.waitForSelector('main[data-state="ready"]');
  }


  test('more IPs set with the widget appear under Reports → Billing at the invoice preview’s amount', async () => {
    await page.goto(url);
    await page.waitForSelector('main[data-state="ready"]');
    await signInAs('msp-admin');

    // A customer billed until the end of the current period, whose IPs the admin may change.
    const before = (await api<Preview>('/v1/billing/invoice-preview')).body;
    const billed = before.lines.filter((l) => l.to === before.period.end);
    let customer: { id: string; total: number } | undefined;
    for (const line of billed) {
      const d = (await api<{ total: number; canEdit: boolean; pending: unknown }>(`/v1/customers/${line.customerId}/ip-distribution`)).body;
      if (d.canEdit && !d.pending) {
        customer = { id: line.customerId, total: d.total };
        break;
      }
    }
    assert.ok(customer, 'a billed customer whose IPs can change');
    const raised = customer.total + 40;

    // Licences tab → Total IPs → Apply.
    await open(`#/customers/${customer.id}`);
    const detail = page.locator(`msp-customer-detail[customer-id="${customer.id}"]`);
    await detail.getByRole('tab', { name: 'Licences' }).click();
    const widget = detail.locator('msp-ip-distribution');
    await widget.getByLabel('Total IPs').fill(String(raised));
    await widget.getByRole('button', { name: 'Apply' }).click();
    await widget.getByText('Applied:', { exact: false }).waitFor();
    const after = await waitFor('the new total', async () => {
      const d = (await api<{ total: number }>(`/v1/customers/${customer.id}/ip-distribution`)).body;
      return d.total === raised ? d : undefined;
    });
    assert.equal(after.total, raised);

    // Reports → Billing, the current period: the customer's last stretch has the new IPs.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click();
    await page.waitForSelector('#billing-lines');
    assert.equal(await page.locator('.subnav a[aria-current="page"]').innerText(), 'Billing');
    const preview = (await api<Preview>('/v1/billing/invoice-preview')).body;
    assert.equal(await page.locator('#billing-period').inputValue(), preview.period.label, 'the current period is picked');
    assert.match(await page.locator('#billing-rule').innerText(), /26th of the previous month to the 25th/, 'Northwind is an MSSP: 26th → 25th');
    const expected = preview.lines.filter((l) => l.customerId === customer.id).sort((a, b) => a.from.localeCompare(b.from));
    const last = expected[expected.length - 1]!;
    assert.equal(last.ips, raised, 'the API bills the new IPs until the period ends');
    const rows = page.locator(`#billing-lines tr.line[data-customer-id="${customer.id}"]`);
    assert.equal(await rows.count(), expected.length, 'one row per line of the preview');
    const row = rows.last();
    assert.equal(await row.getAttribute('data-ips'), String(raised));
    const cells = await row.locator('td').allInnerTexts();
    assert.equal(cells[2], raised.toLocaleString('en'), 'the IPs column');
    assert.equal(cells[3], euros(last.amountMinor, preview.currency), 'the amount the invoice preview returns');
    assert.ok(expected.length >= 2 || last.from === preview.period.start, 'a raise inside the period splits it');
    const total = preview.lines.reduce((a, l) => a + l.amountMinor, 0);
    assert.equal(await page.locator('#billing-total-amount').innerText(), euros(total, preview.currency));
    await row.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, 'billing-preview.png') });
  });

  test('a tier edited on Settings → Pricing is saved with If-Match and priced by the quote', async () => {
    await open('#/settings/pricing');
    const form = page.locator('#pricing-form');
    await form.waitFor();
    const tables = (await api<PriceTables>('/v1/price-tables')).body;
    assert.ok(tables.sell.tiers.length >= 3, 'the seeded sell table has graduated tiers');

    // A limit below the one before it: the BFF's pointer #/body/sell/tiers/2/upTo lands on that field.
    const thirdLimit = form.getByLabel('Sell tier 3: up to how many IPs');
    const original = await thirdLimit.inputValue();
    await thirdLimit.fill('10');
    await page.getByRole('button', { name: 'Save price tables' }).click();
    await page.waitForSelector('[data-pointer="#/body/sell/tiers/2/upTo"][aria-invalid="true"]');
    const errorId = (await thirdLimit.getAttribute('aria-describedby'))!.split(' ').find((id) => id.endsWith('-error'))!;
    assert.ok(await page.locator(`#${errorId}`).isVisible(), 'the error is shown beside the third tier');
    assert.equal((await api<PriceTables>('/v1/price-tables')).body.version, tables.version, 'nothing saved');
    await thirdLimit.fill(original);

    // The first tier's unit price, one euro more.
    const unitMinor = tables.sell.tiers[0]!.unitMinor + 100;
    await form.getByLabel('Sell tier 1: unit price').fill(minorToDecimal(unitMinor, 2));
    await page.getByRole('button', { name: 'Save price tables' }).click();
    await page.getByText('Price tables saved', { exact: false }).waitFor();
    const saved = (await api<PriceTables>('/v1/price-tables')).body;
    assert.equal(saved.version, tables.version + 1);
    assert.equal(saved.sell.tiers[0]!.unitMinor, unitMinor);
    assert.deepEqual(saved.sell.tiers.slice(1), tables.sell.tiers.slice(1), 'the other tiers are kept');

    // The quote box: 10 IPs are all in the first tier.
    await page.getByLabel('Number of IPs').fill('10');
    await page.getByRole('button', { name: 'Quote', exact: true }).click();
    await page.waitForSelector('#quote-facts');
    assert.equal(await page.locator('#quote-price').innerText(), euros(10 * unitMinor, saved.sell.currency));
    const quoted = (await api<{ priceMinor: number; marginMinor: number; costMinor: number }>('/v1/quotes', { method: 'POST', body: { ips: 10 } })).body;
    assert.equal(quoted.priceMinor, 10 * unitMinor);
    assert.equal(await page.locator('#quote-margin').innerText(), euros(quoted.marginMinor, saved.sell.currency));
    await page.screenshot({ path: path.join(shots, 'billing-pricing.png'), fullPage: true });

    // Someone else saves meanwhile: this page's save is refused (412) and the form reloads.
    const other = await api<PriceTables>('/v1/price-tables', {
      method: 'PUT',
      headers: { 'if-match': `"${saved.version}"` },
      body: { sell: saved.sell, cost: saved.cost, prepaidDiscountBps: 250 },
    });
    assert.equal(other.status, 200);
    await page.getByRole('button', { name: 'Save price tables' }).click();
    await page.getByText('Someone saved the price tables meanwhile', { exact: false }).waitFor();
    assert.equal(await page.getByLabel('Prepaid discount on the cost (%)').inputValue(), '2.50', 'the form shows the version that won');
    assert.equal((await api<PriceTables>('/v1/price-tables')).body.prepaidDiscountBps, 250);
  });

  test('a project key redeemed on Settings → Project keys gets its selling price and summary', async () => {
    await open('#/settings/project-keys');
    const redeem = page.locator('#redeem-form');
    await redeem.getByLabel('Key code').fill('NW-E2E-0001');
    await redeem.getByLabel('IP count').fill('100');
    await redeem.getByLabel('Runtime (months)').fill('12');
    await redeem.getByLabel('Purchase price (EUR)').fill('1200');
    await redeem.getByRole('button', { name: 'Redeem key' }).click();
    await page.getByText('Key NW-E2E-0001 redeemed', { exact: false }).waitFor();
    const row = page.locator('#project-keys tr[data-code="NW-E2E-0001"]');
    await row.getByLabel('Selling price of NW-E2E-0001 (EUR)').fill('1800.00');
    await row.getByRole('button', { name: 'Save the selling price of NW-E2E-0001' }).click();
    await page.getByText('Selling price of NW-E2E-0001 saved', { exact: false }).waitFor();
    // 1 200 € / (100 IPs × 12 months) = 1.00 €; 1 800 € → 1.50 €; margin 600 € = 33.33 %.
    const cells = await page.locator('#project-keys tr[data-code="NW-E2E-0001"] td').allInnerTexts();
    assert.deepEqual(cells.slice(4), ['€1.00', '€1.50', '€600.00 (33.33%)']);

    // The same code again: the BFF's 409 points at the code field.
    await redeem.getByLabel('Key code').fill('NW-E2E-0001');
    await redeem.getByLabel('IP count').fill('100');
    await redeem.getByLabel('Runtime (months)').fill('12');
    await redeem.getByLabel('Purchase price (EUR)').fill('1200');
    await redeem.getByRole('button', { name: 'Redeem key' }).click();
    await page.waitForSelector('#redeem-form [data-pointer="#/body/code"][aria-invalid="true"]');
    const keys = (await api<{ items: { code: string }[] }>('/v1/project-keys?limit=200')).body.items;
    assert.equal(keys.filter((k) => k.code === 'NW-E2E-0001').length, 1, 'redeemed once');
  });

  test('an analyst sees neither pricing nor billing data', async () => {
    await signInAs('msp-analyst');
    const asked: string[] = [];
    page.on('request', (r) => {
      if (/\/v1\/(price-tables|quotes|project-keys|billing)/.test(r.url())) asked.push(r.url());
    });
    for (const hash of ['#/settings/pricing', '#/settings/project-keys', '#/reports/billing']) {
      await open(hash);
      await page.locator('#only-admins').waitFor();
      assert.match(await page.locator('#only-admins').innerText(), /only/i);
    }
    assert.equal(await page.locator('#pricing-form, #project-keys, #billing-lines, #quote-form').count(), 0);
    assert.deepEqual(asked, [], 'the pages ask the BFF for nothing the analyst may not see');
    assert.equal((await api('/v1/billing/invoice-preview', { persona: 'msp-analyst' })).status, 403);
  });

  test('the pages broke no rule of the Content-Security-Policy', async () => {
    assert.deepEqual(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations), []);
  });
});

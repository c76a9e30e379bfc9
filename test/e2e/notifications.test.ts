import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { demoApi, openDemo, shots, type DemoWorld } from '../helpers/demo-server.js';

/**
 * Settings → Notifications in the demo portal, in real Chromium against `npm start`: an account
 * manager switches to a weekly digest and mutes a category, and the choice survives a reload; the
 * MSP admin picks the analyst and changes the analyst's settings, which the analyst then reads;
 * a viewer is told its role receives none; nothing breaks the portal's Content-Security-Policy.
 */

interface Settings {
  frequency: string;
  mutedCategories: string[];
  version: number;
}

describe('notification settings in the demo portal', () => {
  let world: DemoWorld | undefined;
  let page: Page;
  let url: string;

  before(async () => {
    world = await openDemo('notifications', { SMTP_URL: '', PORTICO_SEED_CUSTOMERS: '12' });
    ({ page, url } = world);
  });
  after(async () => {
    await world?.close();
  });

  const settings = () => page.locator('msp-notification-settings');
  const form = () => settings().locator('form');
  async function open(persona: string) {
    await page.goto(url);
    await page.waitForSelector('main[data-state="ready"]');
    await page.selectOption('#persona', persona);
    await page.waitForSelector('main[data-state="ready"]');
    await page.goto(`${url}#/settings/notifications`);
    await page.waitForSelector('main[data-state="ready"]');
    await settings().locator('form, [part="state"]').first().waitFor();
  }
  const saved = async (scope: Locator) => {
    await scope.getByRole('button', { name: 'Save' }).click();
    await scope.locator('[part="message"][data-kind="saved"]').waitFor();
  };

  test('an account manager chooses a weekly digest without billing news, and it stays after a reload', async () => {
    await open('account-manager');
    await form().waitFor();
    assert.equal(await settings().locator('#user').count(), 0, 'no user picker for a non-admin');
    await form().getByLabel('Weekly digest').check();
    await form().getByLabel('Billing').uncheck();
    await saved(form());
    await page.screenshot({ path: path.join(shots, 'notifications-account-manager.png'), fullPage: true });
    await page.reload();
    await page.waitForSelector('main[data-state="ready"]');
    await form().waitFor();
    assert.ok(await form().getByLabel('Weekly digest').isChecked());
    assert.ok(!(await form().getByLabel('Billing').isChecked()));
    assert.ok(await form().getByLabel('Licences').isChecked());
    assert.match(await form().locator('.next').innerText(), /^Next digest: Monday/);
    const own = await demoApi<Settings>(page, '/v1/me/notification-preferences', { persona: 'account-manager' });
    assert.deepEqual([own.body.frequency, own.body.mutedCategories], ['weekly', ['billing']]);
  });

  test('the MSP admin manages the analyst’s settings, which the analyst then reads', async () => {
    await open('msp-admin');
    const picker = settings().locator('#user');
    const analyst = await picker.locator('option', { hasText: '(Analyst)' }).first().getAttribute('value');
    assert.ok(analyst);
    await picker.selectOption(analyst);
    await page.waitForFunction((id) => location.hash === `#/settings/notifications/${id}`, analyst);
    await form().getByLabel('As they happen').check();
    await form().getByLabel('Findings').uncheck();
    await saved(form());
    const theirs = await demoApi<Settings>(page, '/v1/me/notification-preferences', { persona: 'msp-analyst' });
    assert.equal(theirs.body.frequency, 'immediate');
    assert.ok(theirs.body.mutedCategories.includes('findings'));
  });

  test('a viewer is told its role receives no notifications', async () => {
    await open('customer-viewer');
    const state = settings().locator('[part="state"][data-state="empty"]');
    await state.waitFor();
    assert.equal((await state.innerText()).trim(), 'Your role does not receive notifications.');
  });

  test('the page broke no rule of the Content-Security-Policy', async () => {
    assert.deepEqual(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations), []);
  });
});

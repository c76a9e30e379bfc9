import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { simpleParser } from 'mailparser';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { demoApi, openDemo, shots, waitFor, type DemoWorld } from '../helpers/demo-server.js';
import { readPdf } from '../helpers/pdf.js';

/**
 * Branded outputs follow the designer, in real Chromium against `npm start`: an MSP admin gives
 * one customer its own brand colour and logo in Settings → Branding (<msp-theme-editor>), and
 * that customer's report in Reports → Executive report (<msp-report-viewer>), the PDF it
 * downloads and the summary email it sends (caught by the demo's SMTP capture, its signed PDF
 * link followed) all wear the new colour and logo.
 */

const BRAND = '#5b1f8a';
const RECIPIENT = 'board@brightwater.example';

interface OutboxItem {
  id: string;
  to: string[];
  subject: string;
}

interface ThemeAnswer {
  resolved: { colorPrimary: string };
  sources: { colorPrimary: string };
  logo: { id: string; url: string; rasterUrl: string; source: string } | null;
}

describe('a designer changes a customer\'s theme; the report, PDF and email follow', () => {
  let world: DemoWorld | undefined;
  let page: Page;
  let url: string;
  let dataDir: string;

  before(async () => {
    world = await openDemo('branding', { SMTP_URL: '', PORTICO_SEED_CUSTOMERS: '12' }, { acceptDownloads: true });
    ({ page, url, dataDir } = world);
  });

  after(async () => {
    await world?.close();
  });

  /** A GET to the BFF with the MSP admin's session, made by the page. */
  async function api<T>(pathname: string): Promise<T> {
    const { status, body } = await demoApi<T>(page, pathname);
    assert.equal(status, 200, `${pathname}: ${JSON.stringify(body)}`);
    return body;
  }

  async function outbox(): Promise<OutboxItem[]> {
    const res = await fetch(new URL('/demo/outbox', url));
    return ((await res.json()) as { items: OutboxItem[] }).items;
  }

  const go = (hash: string) => page.evaluate((h) => (location.hash = h), hash);

  test('colour and logo reach the report viewer, the PDF and the email', async () => {
    await page.goto(url);
    await page.selectOption('#persona', 'msp-admin');
    await page.waitForSelector('main[data-state="ready"]');
    const fleet = await api<{ items: { id: string; name: string }[] }>('/v1/fleet?limit=5&sort=name&order=asc');
    const customer = fleet.items[0]!;
    const before = await api<ThemeAnswer>(`/v1/themes/${customer.id}`);
    assert.notEqual(before.resolved.colorPrimary, BRAND);

    // The designer: Settings → Branding, this customer, a logo and a brand colour.
    await go(`#/settings/branding/${customer.id}`);
    const editor = page.locator('msp-theme-editor');
    const hex = editor.locator('#colorPrimary-hex');
    await hex.waitFor();
    const logo = await sharp({ create: { width: 360, height: 120, channels: 4, background: BRAND } })
      .composite([{ input: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="360" height="120"><circle cx="60" cy="60" r="40" fill="#ffffff"/></svg>'), top: 0, left: 0 }])
      .png()
      .toBuffer();
    await editor.locator('#logo-file').setInputFiles({ name: 'brightwater.png', mimeType: 'image/png', buffer: logo });
    const withLogo = await waitFor('the uploaded logo on the theme', async () => {
      const t = await api<ThemeAnswer>(`/v1/themes/${customer.id}`);
      return t.logo?.source === 'customer' && t.logo.id !== before.logo?.id ? t : undefined;
    });
    const logoId = withLogo.logo!.id;
    await hex.fill(BRAND);
    await hex.press('Tab');
    await editor.locator('#save').click();
    await editor.locator('[part="notice"][data-kind="success"]').waitFor();
    await page.screenshot({ path: path.join(shots, 'branding-saved.png'), fullPage: true });
    const after = await api<ThemeAnswer>(`/v1/themes/${customer.id}`);
    assert.equal(after.resolved.colorPrimary, BRAND);
    assert.equal(after.sources.colorPrimary, 'customer');
    assert.equal(after.logo?.id, logoId);

    // The report viewer wears the customer's colour and logo.
    await go(`#/reports/executive/${customer.id}`);
    const viewer = page.locator('msp-report-viewer');
    const pdfButton = viewer.getByRole('button', { name: 'Download PDF' });
    await pdfButton.waitFor();
    await viewer.getByText(`for ${customer.name}`, { exact: false }).first().waitFor();
    const primary = await viewer.evaluate((el) => getComputedStyle(el).getPropertyValue('--msp-color-primary').trim().toLowerCase());
    assert.equal(primary, BRAND);
    const img = viewer.locator(`img[src*="/v1/logos/${logoId}"]`);
    await img.waitFor();
    assert.ok(await img.evaluate((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth > 0), 'the logo loads');
    await page.screenshot({ path: path.join(shots, 'branding-report.png'), fullPage: true });

    // The PDF it downloads: the customer's name, colour and an embedded image.
    const [download] = await Promise.all([page.waitForEvent('download'), pdfButton.click()]);
    const pdf = new Uint8Array(fs.readFileSync((await download.path())!));
    assert.equal(Buffer.from(pdf.subarray(0, 5)).toString('latin1'), '%PDF-');
    const pages = readPdf(pdf);
    assert.ok(pages[0]!.lines.some((l) => l.includes(customer.name)), 'the customer\'s name on the first page');
    assert.ok(pages[0]!.fills.includes(BRAND), `the brand colour among the fills: ${pages[0]!.fills.join(' ')}`);
    assert.match(Buffer.from(pdf).toString('latin1'), /\/Subtype\s*\/Image/, 'the logo is embedded');

    // The summary email it sends: both parts, the logo inline, the colour, a working PDF link.
    await viewer.getByRole('button', { name: 'Send email…' }).click();
    await viewer.locator('#send-recipients').fill(RECIPIENT);
    await viewer.getByRole('button', { name: 'Send', exact: true }).click();
    await viewer.getByRole('heading', { name: 'Email sent' }).waitFor();
    const item = await waitFor('the summary email', async () => (await outbox()).find((m) => m.to.includes(RECIPIENT)));
    const mail = await simpleParser(fs.readFileSync(path.join(dataDir, 'outbox', `${item.id}.eml`)), { keepCidLinks: true });
    assert.ok(mail.text?.includes(customer.name), 'the customer in the text part');
    assert.ok(typeof mail.html === 'string' && mail.html.includes(customer.name), 'the customer in the HTML part');
    const html = mail.html as string;
    assert.ok(html.toLowerCase().includes(BRAND), 'the brand colour in the HTML');
    const inline = mail.attachments.find((a) => a.contentType === 'image/png' && a.cid);
    assert.ok(inline, 'the logo travels as an inline image');
    assert.ok(html.includes(`cid:${inline.cid}`), 'the HTML shows the inline logo');
    assert.ok((await sharp(inline.content).metadata()).width! > 0);
    assert.ok(!/<svg/i.test(html), 'no SVG in the email');

    const link = mail.text!.match(/https?:\/\/\S+\/v1\/report-links\/[\w.-]+/)?.[0];
    assert.ok(link, `a signed PDF link in the text part:\n${mail.text}`);
    assert.ok(html.includes(link), 'the same link in the HTML part');
    const res = await fetch(new URL(new URL(link).pathname, url));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/pdf/);
    const linked = readPdf(new Uint8Array(await res.arrayBuffer()));
    assert.ok(linked[0]!.fills.includes(BRAND), 'the linked PDF wears the brand colour');
    assert.ok(linked[0]!.lines.some((l) => l.includes(customer.name)));

    // A tampered link is refused.
    const tampered = await fetch(new URL(`${new URL(link).pathname.slice(0, -4)}AAAA`, url));
    assert.ok(tampered.status >= 400 && tampered.status < 500, `tampered link: ${tampered.status}`);

    assert.deepEqual(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations), []);
  });
});

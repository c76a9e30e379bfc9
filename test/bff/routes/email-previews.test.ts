import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { EMAIL_PREVIEW_TTL_SECONDS, signEmailPreview } from '../../../bff/auth/email-previews.js';
import { signReportLink } from '../../../bff/auth/report-links.js';
import { SigningKeys } from '../../../bff/auth/signing-keys.js';
import { queryRows } from '../../../bff/db/client.js';
import { seeded } from '../../../bff/db/seed.js';
import { brandCustomer } from '../../helpers/branding.js';
import { backends, ORIGIN, seededWorld, type World } from '../../helpers/db.js';
import { expectFieldError, expectProblem } from '../../helpers/problem.js';

/**
 * The summary email's HTML under a short-lived signed URL, for the report viewer's preview frame:
 * who may mint one (like the preview itself: customers:read, in scope), the headers that let it
 * render styled inside a strict host page and nowhere else, and the token refused when altered,
 * expired, of another kind, or once its user no longer sees the customer.
 */

const json = { 'content-type': 'application/json' };
const PERIOD = { from: '2026-01-01', to: '2026-01-31' };

for (const backend of backends) {
  describe(`email preview URLs (${backend})`, () => {
    let world: World;
    let admin: string;
    let customer: string;
    let logoId: string;

    const owner = <T extends Record<string, unknown>>(query: ReturnType<typeof sql>) => queryRows<T>(world.database.db, query);
    const mint = (id: string, token: string, body: unknown = PERIOD) =>
      world.request(`/v1/customers/${id}/reports/executive/email/preview-link`, { method: 'POST', token, headers: json, body: JSON.stringify(body) });
    async function minted(id: string, token: string): Promise<{ url: string; expiresAt: string }> {
      const res = await mint(id, token);
      assert.equal(res.status, 200, await res.clone().text());
      return (await res.json()) as { url: string; expiresAt: string };
    }

    before(async () => {
      world = await seededWorld(backend, { customers: 8, config: { portalUrl: 'http://portal.test' } });
      admin = await world.staffToken('A', 'admin');
      customer = world.orgs.customersA.find((c) => world.orgs.assignedA.includes(c))!;
      logoId = await brandCustomer(world, customer, '#7b1fa2');
    });
    after(() => world?.close());

    test("the URL answers the email's HTML with a policy of its own: inline styles, the portal's images, framed only by the session's origins", async () => {
      const before = Date.now();
      const link = await minted(customer, await world.staffToken('A', 'analyst'));
      assert.match(link.url, /^\/v1\/email-previews\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
      const ttl = Date.parse(link.expiresAt) - before;
      assert.ok(ttl > (EMAIL_PREVIEW_TTL_SECONDS - 5) * 1000 && ttl <= (EMAIL_PREVIEW_TTL_SECONDS + 1) * 1000, `lives five minutes, not ${ttl} ms`);

      const res = await world.request(link.url);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(
        res.headers.get('content-security-policy'),
        `default-src 'none'; style-src 'unsafe-inline'; img-src http://portal.test data:; frame-ancestors ${ORIGIN}; base-uri 'none'; form-action 'none'; sandbox`,
      );
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(res.headers.get('cache-control'), 'no-store');
      assert.equal(res.headers.get('x-frame-options'), null, 'frame-ancestors decides, not a same-origin X-Frame-Options');
      const html = await res.text();
      assert.ok(html.includes(`src="http://portal.test/v1/logos/${logoId}/raster.png"`), 'the logo from the portal');
      assert.ok(/style="[^"]*#7b1fa2/i.test(html), 'the brand colour in inline styles');
      assert.ok(/1 January 2026/.test(html), 'the period asked for');
      assert.ok(!/<script/i.test(html));

      // Other routes keep refusing frames from elsewhere.
      assert.equal((await world.request('/.well-known/jwks.json')).headers.get('x-frame-options'), 'SAMEORIGIN');
    });

    test('every origin of the session may frame it, and only those', async () => {
      const origins = [ORIGIN, 'https://psa.northwind.example:8443'];
      const token = await world.token(seeded.staff.admin, world.orgs.mspA, 'msp_admin', origins);
      const res = await world.request(`/v1/customers/${customer}/reports/executive/email/preview-link`, {
        method: 'POST', token, headers: { ...json, origin: origins[1]! }, body: JSON.stringify(PERIOD),
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), origins[1]);
      const { url } = (await res.json()) as { url: string };
      const csp = (await world.request(url)).headers.get('content-security-policy') ?? '';
      assert.ok(csp.includes(`frame-ancestors ${origins.join(' ')};`), csp);
    });

    test('who may mint one: readers of the customer in their scope; another tenant is a 404 like an unknown id', async () => {
      for (const who of ['admin', 'analyst', 'accountManager'] as const) await minted(customer, await world.staffToken('A', who));
      await minted(customer, await world.customerToken(customer, 'customer_admin'));
      await expectProblem(await mint(customer, await world.staffToken('A', 'marketing')), 403, 'forbidden', 'marketing reads no customers');

      const absent = await expectProblem(await mint(crypto.randomUUID(), admin), 404, 'not-found', 'unknown');
      assert.deepEqual(await expectProblem(await mint(customer, await world.staffToken('B', 'admin')), 404, 'not-found', 'another MSP'), absent);
      const unassigned = [...world.orgs.customersA, ...world.orgs.customersPartner].find((c) => !world.orgs.assignedA.includes(c))!;
      assert.deepEqual(await expectProblem(await mint(unassigned, await world.staffToken('A', 'accountManager')), 404, 'not-found', 'unassigned'), absent);
      const other = world.orgs.customersA.find((c) => c !== customer)!;
      assert.deepEqual(await expectProblem(await mint(other, await world.customerToken(customer, 'customer_admin')), 404, 'not-found', 'another customer'), absent);
      assert.deepEqual(await expectProblem(await mint(world.orgs.revoked, admin), 404, 'not-found', 'revoked its MSP'), absent);

      await expectFieldError(await mint(customer, admin, { from: '2026-03-02', to: '2026-03-01' }), '#/body/from');
      await expectFieldError(await mint(customer, admin, { from: '2026-13-01' }), '#/body/from');
    });

    test('a token that was altered, expired, of another kind, or whose user lost access is refused', async () => {
      const [am] = await owner<{ id: string }>(sql`select u.id from users u join role_assignments r on r.user_id = u.id where u.tenant_id = ${world.orgs.mspA}::uuid and r.role = 'msp_account_manager'`);
      const { token, url } = await signEmailPreview(world.deps.keys, { customerId: customer, userId: am!.id, period: PERIOD, origins: [ORIGIN] });
      assert.equal((await world.request(url)).status, 200);

      const [head, body, sig] = token.split('.');
      const claims = JSON.parse(Buffer.from(body!, 'base64url').toString()) as Record<string, unknown>;
      const forge = (changes: Record<string, unknown>) => `/v1/email-previews/${head}.${Buffer.from(JSON.stringify({ ...claims, ...changes })).toString('base64url')}.${sig}`;
      await expectProblem(await world.request(forge({ cus: world.orgs.customersB[0] })), 401, 'authentication-error', 'another customer');
      await expectProblem(await world.request(forge({ origins: ['https://evil.example'] })), 401, 'authentication-error', 'other framing origins');
      await expectProblem(await world.request(`/v1/email-previews/${head}.${body}.${sig!.slice(0, -4)}AAAA`), 401, 'authentication-error', 'bad signature');
      // Signed by the same keys, but not a preview: a session, a report link.
      await expectProblem(await world.request(`/v1/email-previews/${admin}`), 401, 'authentication-error', 'a session token');
      const reportLink = await signReportLink(world.deps.keys, world.config, { customerId: customer, userId: am!.id, period: PERIOD });
      await expectProblem(await world.request(`/v1/email-previews/${reportLink.token}`), 401, 'authentication-error', 'a report link');
      await expectProblem(await world.request(`/v1/report-links/${token}`), 401, 'authentication-error', 'a preview is not a report link');
      await expectFieldError(await world.request('/v1/email-previews/not-a-token'), '#/path/token');

      const config = world.config;
      const past = await SigningKeys.fromDatabase(world.database.db, { issuer: config.issuer, audience: config.audience, now: () => new Date(Date.now() - (EMAIL_PREVIEW_TTL_SECONDS + 60) * 1000) });
      const expired = await signEmailPreview(past, { customerId: customer, userId: am!.id, period: PERIOD, origins: [ORIGIN] });
      await expectProblem(await world.request(expired.url), 410, 'link-expired', 'expired');

      // The account manager is unassigned from the customer: RLS hides it, so the preview stops.
      await owner(sql`delete from account_manager_assignments where tenant_id = ${customer}::uuid and user_id = ${am!.id}::uuid`);
      await expectProblem(await world.request(url), 410, 'link-expired', 'unassigned');
      await owner(sql`insert into account_manager_assignments (tenant_id, user_id) values (${customer}::uuid, ${am!.id}::uuid)`);
      assert.equal((await world.request(url)).status, 200);
    });
  });
}

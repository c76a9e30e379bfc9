import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../../bff/db/client.js';
import { seeded } from '../../../bff/db/seed.js';
import { backends, customerWithDelegation, seededWorld, type World } from '../../helpers/db.js';
import { expectFieldError, expectProblem } from '../../helpers/problem.js';

/**
 * Onboarding: POST /v1/customers (every account type, validation, Idempotency-Key), the
 * users of a tenant, re-sending invites and accepting them.
 */

interface Created {
  id: string;
  kind: string;
  slug: string;
  name: string;
  parentId: string;
  customer: null | { id: string; accountType: string; status: string; plan: string; vatId: string | null; licences: { model: string; quota: number | null }; trialEndsAt: string | null; renewsAt: string | null; mainUser: { id: string; status: string } | null; version: number };
  invite: null | { userId: string; email: string; expiresAt: string };
}

interface TenantUsers {
  items: { id: string; name: string; email: string; status: string; roles: string[]; isMainUser: boolean; invite: null | { expiresAt: string; acceptedAt: string | null; sentCount: number; lastSentAt: string; expired: boolean } }[];
  contact: { name: string | null; email: string | null };
}

const base = {
  accountType: 'customer',
  name: 'Linden Bakery',
  country: 'DE',
  address: { line1: 'Lindenallee 4', postalCode: '20259', city: 'Hamburg' },
  plan: 'trial',
  licenceModel: 'per_asset',
  mainUser: { name: 'Greta Linden', email: 'Greta.Linden@linden-bakery.example' },
};

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

for (const backend of backends) {
  describe(`onboarding (${backend})`, () => {
    let world: World;
    let admin: string;
    before(async () => {
      world = await seededWorld(backend);
      admin = await world.staffToken('A', 'admin');
    });
    after(() => world?.close());

    const create = (body: unknown, opts: { token?: string; key?: string } = {}) =>
      world.request('/v1/customers', {
        method: 'POST',
        token: opts.token ?? admin,
        headers: { 'content-type': 'application/json', ...(opts.key ? { 'idempotency-key': opts.key } : {}) },
        body: JSON.stringify(body),
      });
    const created = async (res: Response) => {
      const text = await res.text();
      assert.equal(res.status, 201, text);
      return JSON.parse(text) as Created;
    };
    const owner = <T>(query: ReturnType<typeof sql>) => queryRows<T>(world.database.db, query);
    /** The token of the newest invite email to `email` (the link is only in the email). */
    const inviteToken = async (email: string) => {
      const [row] = await owner<{ url: string }>(
        sql`select data->>'inviteUrl' as url from email_messages where kind = 'invite' and ${email} = any("to") order by created_at desc, id limit 1`,
      );
      assert.ok(row, `no invite email to ${email}`);
      return new URL(row.url).searchParams.get('token')!;
    };
    const acceptInvite = (token: string) =>
      world.request('/v1/invites/accept', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
    const resend = (customerId: string, userId: string, token = admin) =>
      world.request(`/v1/customers/${customerId}/users/${userId}/invite`, { method: 'POST', token });
    const usersOf = async (customerId: string, token = admin) => {
      const res = await world.request(`/v1/customers/${customerId}/users`, { token });
      const text = await res.text();
      assert.equal(res.status, 200, text);
      return JSON.parse(text) as TenantUsers;
    };

    test('a customer: org, profile, trial subscription, metrics, invited main user, invite email and audit, in one go', async () => {
      const before = Date.now();
      const res = await create(base);
      const body = await created(res);
      assert.equal(res.headers.get('location'), `/v1/customers/${body.id}`);
      assert.equal(body.kind, 'customer');
      assert.equal(body.slug, 'linden-bakery');
      assert.equal(body.parentId, world.orgs.mspA);
      assert.ok(body.customer);
      assert.equal(body.customer.id, body.id);
      assert.equal(body.customer.plan, 'trial');
      assert.deepEqual(body.customer.licences.quota, 5, 'a trial defaults to 5 licences');
      const trialEnds = Date.parse(body.customer.trialEndsAt!);
      assert.ok(Math.abs(trialEnds - before - 30 * 86_400_000) < 60_000, 'the trial runs 30 days');
      assert.equal(body.customer.mainUser?.id, body.invite?.userId);
      assert.equal(body.invite?.email, 'greta.linden@linden-bakery.example');
      const expires = Date.parse(body.invite!.expiresAt);
      assert.ok(Math.abs(expires - before - world.config.inviteTtlHours * 3_600_000) < 60_000);

      const [org] = await owner<{ kind: string; country: string; currency: string; time_zone: string }>(
        sql`select kind::text, country, currency, time_zone from orgs where id = ${body.id}::uuid`,
      );
      assert.deepEqual(org, { kind: 'customer', country: 'DE', currency: 'EUR', time_zone: 'Europe/Berlin' });
      const [sub] = await owner<{ currency: string; monthly_price_minor: string | number; licence_quota: number }>(
        sql`select currency, monthly_price_minor, licence_quota from subscriptions where tenant_id = ${body.id}::uuid`,
      );
      assert.equal(sub?.currency, 'EUR');
      assert.equal(Number(sub?.monthly_price_minor), 0);
      assert.equal((await owner(sql`select 1 from customer_metrics where tenant_id = ${body.id}::uuid`)).length, 1);
      const [user] = await owner<{ status: string; external_id: string; roles: string[] }>(
        sql`select u.status::text, u.external_id, array(select r.role::text from role_assignments r where r.user_id = u.id) as roles
              from users u where u.id = ${body.invite!.userId}::uuid`,
      );
      assert.deepEqual(user, { status: 'invited', external_id: 'invite:greta.linden@linden-bakery.example', roles: ['customer_admin'] });

      // Only the token's hash is stored; the link travels in the email.
      const token = await inviteToken('greta.linden@linden-bakery.example');
      assert.match(token, /^[A-Za-z0-9_-]{43}$/);
      const invites = await owner<{ token_hash: string }>(sql`select token_hash from invites where tenant_id = ${body.id}::uuid`);
      assert.deepEqual(invites.map((i) => i.token_hash), [sha256(token)]);
      const [email] = await owner<{ status: string; data: Record<string, string> }>(sql`select status::text, data from email_messages where tenant_id = ${body.id}::uuid`);
      assert.equal(email?.status, 'queued');
      assert.deepEqual(Object.keys(email!.data).sort(), ['customerName', 'expiresAt', 'inviteUrl', 'inviterName', 'mspName']);
      assert.equal(email!.data.mspName, 'Northwind Cyber');
      assert.equal(email!.data.inviterName, 'Anna Weber');
      assert.ok(email!.data.inviteUrl!.startsWith(`${world.config.portalUrl}/accept-invite?token=`));

      const audit = await owner<{ action: string; actor_role: string; request_id: string | null }>(
        sql`select action, actor_role, request_id from audit_log where tenant_id = ${body.id}::uuid order by id`,
      );
      assert.deepEqual(audit.map((a) => a.action).sort(), ['org.create', 'user.invite']);
      assert.ok(audit.every((a) => a.actor_role === 'msp_admin' && a.request_id));

      // The same name again gets the next free slug.
      const again = await created(await create({ ...base, mainUser: undefined }));
      assert.equal(again.slug, 'linden-bakery-2');
      assert.equal(again.invite, null);
    });

    test('an enterprise, a purchased plan abroad with a VAT-ID, and every option', async () => {
      const body = await created(
        await create({
          accountType: 'enterprise',
          name: 'Österreichische Spitäler',
          country: 'AT',
          vatId: 'atu-1234 5678',
          plan: 'purchased',
          licenceModel: 'per_scan',
          licenceQuota: 40,
          serviceMode: 'self_service',
          paymentMethod: 'credit_card',
          accessDelegation: 'read_only',
          timeZone: 'Europe/Vienna',
        }),
      );
      assert.equal(body.kind, 'enterprise');
      assert.equal(body.slug, 'osterreichische-spitaler');
      assert.equal(body.customer?.accountType, 'enterprise');
      assert.equal(body.customer?.vatId, 'ATU12345678');
      assert.equal(body.customer?.plan, 'purchased');
      assert.deepEqual(body.customer?.licences.quota, 40);
      assert.equal(body.customer?.trialEndsAt, null);
      const renews = new Date(body.customer!.renewsAt!);
      assert.equal(renews.getUTCFullYear(), new Date().getUTCFullYear() + 1);
      const [profile] = await owner<{ service_mode: string; payment_method: string; access_delegation: string }>(
        sql`select service_mode::text, payment_method::text, access_delegation::text from customer_profiles where tenant_id = ${body.id}::uuid`,
      );
      assert.deepEqual(profile, { service_mode: 'self_service', payment_method: 'credit_card', access_delegation: 'read_only' });

      // Below the enterprise, a sub-organisation; unlimited has no quota.
      const sub = await created(await create({ ...base, name: 'Spital Graz', country: 'AT', vatId: 'ATU87654321', parentId: body.id, licenceModel: 'unlimited', mainUser: undefined }));
      assert.equal(sub.parentId, body.id);
      assert.equal(sub.customer?.licences.quota, null);
      const [tz] = await owner<{ time_zone: string }>(sql`select time_zone from orgs where id = ${sub.id}::uuid`);
      assert.equal(tz?.time_zone, 'Europe/Vienna', "the time zone defaults to the parent's");
    });

    test('a sub-partner: an org of kind partner without profile or subscription; its admin is invited and can onboard below it', async () => {
      const body = await created(await create({ ...base, accountType: 'partner', name: 'Elbe Systems', mainUser: { name: 'Ole Brandt', email: 'ole@elbe.example' } }));
      assert.equal(body.kind, 'partner');
      assert.equal(body.customer, null);
      assert.ok(body.invite);
      assert.equal((await owner(sql`select 1 from customer_profiles where tenant_id = ${body.id}::uuid`)).length, 0);
      assert.equal((await owner(sql`select 1 from subscriptions where tenant_id = ${body.id}::uuid`)).length, 0);
      const [role] = await owner<{ role: string }>(sql`select role::text from role_assignments where user_id = ${body.invite.userId}::uuid`);
      assert.equal(role?.role, 'msp_admin');

      // The seeded sub-partner's admin creates a customer below its own org.
      const partnerAdmin = await world.token(seeded.staff.admin, world.orgs.partner, 'msp_admin');
      const own = await created(await create({ ...base, name: 'Weser Dental' }, { token: partnerAdmin }));
      assert.equal(own.parentId, world.orgs.partner);
    });

    test('validation: each rule names its field', async () => {
      const cases: [string, Record<string, unknown>, string][] = [
        ['missing name', { ...base, name: undefined }, '#/body/name'],
        ['blank name', { ...base, name: '   ' }, '#/body/name'],
        ['lower-case country', { ...base, country: 'de' }, '#/body/country'],
        ['unknown country', { ...base, country: 'XX' }, '#/body/country'],
        ['US without a state', { ...base, country: 'US', vatId: '123456789' }, '#/body/state'],
        ['CA without a state', { ...base, country: 'CA', vatId: 'CA123' }, '#/body/state'],
        ['VAT-ID required abroad', { ...base, country: 'FR' }, '#/body/vatId'],
        ['VAT-ID of the wrong format', { ...base, country: 'FR', vatId: 'FR123' }, '#/body/vatId'],
        ['VAT-ID with the wrong prefix', { ...base, country: 'AT', vatId: 'DE123456789' }, '#/body/vatId'],
        ['Greece with GR', { ...base, country: 'GR', vatId: 'GR123456789' }, '#/body/vatId'],
        ['a malformed VAT-ID at home', { ...base, vatId: 'DE12' }, '#/body/vatId'],
        ['purchased without a quota', { ...base, plan: 'purchased' }, '#/body/licenceQuota'],
        ['unlimited with a quota', { ...base, licenceModel: 'unlimited', licenceQuota: 10 }, '#/body/licenceQuota'],
        ['a zero quota', { ...base, licenceQuota: 0 }, '#/body/licenceQuota'],
        ['a bad email', { ...base, mainUser: { name: 'X', email: 'not-an-email' } }, '#/body/mainUser/email'],
        ['an unknown time zone', { ...base, timeZone: 'Mars/Olympus' }, '#/body/timeZone'],
        ['an unknown account type', { ...base, accountType: 'reseller' }, '#/body/accountType'],
        ['a parent id that is no uuid', { ...base, parentId: 'northwind' }, '#/body/parentId'],
      ];
      for (const [label, body, pointer] of cases) await expectFieldError(await create(body), pointer, label);
      // Valid alternatives of the same rules.
      await created(await create({ ...base, name: 'Rocky Dental', country: 'US', state: 'CO', vatId: 'US12-3456789' }));
      await created(await create({ ...base, name: 'Athens Labs', country: 'GR', vatId: 'el 123 456 789' }));
      await created(await create({ ...base, name: 'Purchased Unlimited', plan: 'purchased', licenceModel: 'unlimited', licenceQuota: null }));
      const [count] = await owner<{ n: number }>(sql`select count(*)::int as n from orgs where name in ('Mars', 'reseller')`);
      assert.equal(count?.n, 0);
    });

    test('an org kind the parent cannot have → 400 #/body/accountType; nothing is created', async () => {
      const customer = world.orgs.customersA.find((id) => id !== world.orgs.enterprise)!;
      await expectFieldError(await create({ ...base, name: 'Below a customer', parentId: customer }), '#/body/accountType', 'below a customer');
      await expectFieldError(await create({ ...base, accountType: 'partner', name: 'Partner below enterprise', parentId: world.orgs.enterprise }), '#/body/accountType');
      const rows = await owner(sql`select 1 from orgs where name in ('Below a customer', 'Partner below enterprise')`);
      assert.equal(rows.length, 0);
    });

    test("another MSP's org, a revoked customer or an unknown id as parent → 404, nothing created", async () => {
      for (const parentId of [world.orgs.mspB, world.orgs.customersB[0]!, randomUUID()]) {
        await expectProblem(await create({ ...base, name: 'Trespasser', parentId }), 404, 'not-found', parentId);
      }
      // MSP B's admin cannot reach into MSP A, nor the sub-partner's admin above itself.
      const bAdmin = await world.staffToken('B', 'admin');
      await expectProblem(await create({ ...base, country: 'GB', name: 'Trespasser', parentId: world.orgs.mspA }, { token: bAdmin }), 404, 'not-found');
      const partnerAdmin = await world.token(seeded.staff.admin, world.orgs.partner, 'msp_admin');
      await expectProblem(await create({ ...base, name: 'Trespasser', parentId: world.orgs.mspA }, { token: partnerAdmin }), 404, 'not-found');
      assert.equal((await owner(sql`select 1 from orgs where name = 'Trespasser'`)).length, 0);
    });

    test('only MSP admins onboard: analyst, account manager, marketing and customer roles → 403', async () => {
      const full = await customerWithDelegation(world, 'full', world.orgs.customersA);
      const tokens = [
        await world.staffToken('A', 'analyst'),
        await world.staffToken('A', 'accountManager'),
        await world.staffToken('A', 'marketing'),
        await world.customerToken(full, 'customer_admin'),
        await world.customerToken(full, 'customer_viewer'),
      ];
      for (const token of tokens) await expectProblem(await create({ ...base, name: 'Not allowed' }, { token }), 403, 'forbidden');
      assert.equal((await owner(sql`select 1 from orgs where name = 'Not allowed'`)).length, 0);
    });

    test('Idempotency-Key: a retry answers the same response and creates one org; another body → 422', async () => {
      const body = { ...base, name: 'Retry Foods', mainUser: { name: 'Rita', email: 'rita@retry.example' } };
      const first = await create(body, { key: 'retry-foods-1' });
      const firstBody = await created(first);
      const second = await create({ ...body }, { key: 'retry-foods-1' });
      assert.equal(second.status, 201);
      assert.deepEqual(await second.json(), firstBody);
      assert.equal(second.headers.get('location'), first.headers.get('location'));
      assert.equal(second.headers.get('idempotent-replayed'), 'true');
      assert.equal((await owner(sql`select 1 from orgs where name = 'Retry Foods'`)).length, 1);
      assert.equal((await owner(sql`select 1 from email_messages where 'rita@retry.example' = any("to")`)).length, 1, 'one invite email');

      const other = await expectProblem(await create({ ...body, name: 'Retry Foods 2' }, { key: 'retry-foods-1' }), 422, 'idempotency-key-reused');
      assert.deepEqual(other.errors?.map((e) => e.pointer), ['#/header/idempotency-key']);
      assert.equal((await owner(sql`select 1 from orgs where name like 'Retry Foods%'`)).length, 1);

      // Keys are per user: another admin's same key is a new request.
      const partnerAdmin = await world.token(seeded.staff.admin, world.orgs.partner, 'msp_admin');
      await created(await create(body, { key: 'retry-foods-1', token: partnerAdmin }));

      // A failed request stores nothing: fixing the body under the same key then works.
      await expectFieldError(await create({ ...body, name: 'Fixed Later', country: 'FR' }, { key: 'fixed-later' }), '#/body/vatId');
      await created(await create({ ...body, name: 'Fixed Later' }, { key: 'fixed-later' }));

      // The seeded key of MSP A's admin is live: it guards the sub-partner's creation.
      await expectProblem(await create(body, { key: 'seed-create-harbor-it' }), 422, 'idempotency-key-reused');
    });

    test('Idempotency-Key: two simultaneous requests with one key create one org', async () => {
      const body = { ...base, name: 'Twin Requests', mainUser: undefined };
      const [a, b] = await Promise.all([create(body, { key: 'twins' }), create(body, { key: 'twins' })]);
      const [ja, jb] = [await created(a), await created(b)];
      assert.deepEqual(ja, jb);
      assert.equal((await owner(sql`select 1 from orgs where name = 'Twin Requests'`)).length, 1);
    });

    test('Idempotency-Key: malformed keys → 400 #/header/idempotency-key; keys older than a day are forgotten', async () => {
      for (const key of ['x'.repeat(201), 'tab\there', 'ümlaut']) {
        const res = await world.request('/v1/customers', {
          method: 'POST',
          token: admin,
          headers: { 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify({ ...base, name: 'Bad Key' }),
        });
        await expectFieldError(res, '#/header/idempotency-key', JSON.stringify(key));
      }
      const body = { ...base, name: 'Day Old', mainUser: undefined };
      const first = await created(await create(body, { key: 'day-old' }));
      world.deps.now = () => new Date(Date.now() + 25 * 3_600_000);
      try {
        const later = await created(await create({ ...body, name: 'Day Old Again' }, { key: 'day-old' }));
        assert.notEqual(later.id, first.id);
      } finally {
        delete world.deps.now;
      }
    });

    test("a customer's users: main user first, roles, invite state; 404 for another MSP's customer", async () => {
      const body = await created(await create({ ...base, name: 'Users Ltd', mainUser: { name: 'Uma User', email: 'uma@users.example' } }));
      const list = await usersOf(body.id);
      assert.equal(list.items.length, 1);
      const [main] = list.items;
      assert.equal(main?.isMainUser, true);
      assert.equal(main?.status, 'invited');
      assert.deepEqual(main?.roles, ['customer_admin']);
      assert.equal(main?.invite?.sentCount, 1);
      assert.equal(main?.invite?.expired, false);
      assert.equal(main?.invite?.acceptedAt, null);
      assert.deepEqual(list.contact, { name: 'Uma User', email: 'uma@users.example' });

      // A seeded customer with a viewer; analysts may read users too.
      const seededList = await usersOf(world.orgs.customersA[1]!, await world.staffToken('A', 'analyst'));
      assert.ok(seededList.items.length >= 1);
      assert.equal(seededList.items.filter((u) => u.isMainUser).length <= 1, true);

      await expectProblem(await world.request(`/v1/customers/${body.id}/users`, { token: await world.staffToken('B', 'admin') }), 404, 'not-found');
      await expectProblem(await world.request(`/v1/customers/${randomUUID()}/users`, { token: admin }), 404, 'not-found');
    });

    test('re-sending an invite: a new link works, the old one is dead, sentCount and expiry grow; accepted → 409', async () => {
      const body = await created(await create({ ...base, name: 'Resend GmbH', mainUser: { name: 'Rex', email: 'rex@resend.example' } }));
      const userId = body.invite!.userId;
      const oldToken = await inviteToken('rex@resend.example');

      // Only an admin of the customer's MSP may re-send.
      await expectProblem(await resend(body.id, userId, await world.staffToken('A', 'analyst')), 403, 'forbidden');
      await expectProblem(await resend(body.id, userId, await world.staffToken('B', 'admin')), 404, 'not-found');
      await expectProblem(await resend(body.id, randomUUID()), 404, 'not-found');

      const res = await resend(body.id, userId);
      const text = await res.text();
      assert.equal(res.status, 202, text);
      const sent = JSON.parse(text) as { userId: string; email: string; expiresAt: string; sentCount: number };
      assert.equal(sent.userId, userId);
      assert.equal(sent.sentCount, 2);
      assert.ok(Date.parse(sent.expiresAt) >= Date.parse(body.invite!.expiresAt));
      const newToken = await inviteToken('rex@resend.example');
      assert.notEqual(newToken, oldToken);
      assert.equal((await owner(sql`select 1 from email_messages where 'rex@resend.example' = any("to")`)).length, 2);
      assert.ok((await owner<{ action: string }>(sql`select action from audit_log where tenant_id = ${body.id}::uuid`)).some((a) => a.action === 'user.invite_resent'));

      await expectProblem(await acceptInvite(oldToken), 404, 'not-found', 'the replaced link');
      const accepted = await acceptInvite(newToken);
      assert.equal(accepted.status, 200);
      assert.deepEqual(await accepted.json(), { status: 'accepted', email: 'rex@resend.example' });
      await expectProblem(await resend(body.id, userId), 409, 'conflict', 'after acceptance');
      const [listed] = (await usersOf(body.id)).items;
      assert.equal(listed?.status, 'active');
      assert.ok(listed?.invite?.acceptedAt);
      assert.equal(listed?.invite?.sentCount, 2);
    });

    test('accepting: the user becomes active; again → already_accepted; unknown → 404; expired → 410', async () => {
      const body = await created(await create({ ...base, name: 'Accept AG', mainUser: { name: 'Ada', email: 'ada@accept.example' } }));
      const token = await inviteToken('ada@accept.example');
      const ok = await acceptInvite(token);
      assert.equal(ok.status, 200);
      assert.deepEqual(await ok.json(), { status: 'accepted', email: 'ada@accept.example' });
      const [user] = await owner<{ status: string }>(sql`select status::text from users where id = ${body.invite!.userId}::uuid`);
      assert.equal(user?.status, 'active');
      assert.deepEqual(await (await acceptInvite(token)).json(), { status: 'already_accepted', email: 'ada@accept.example' });
      await expectProblem(await acceptInvite('no-such-token-at-all'), 404, 'not-found');
      assert.deepEqual(await (await acceptInvite(seeded.acceptedInviteToken)).json(), { status: 'already_accepted', email: (await owner<{ email: string }>(sql`select email from invites where accepted_at is not null limit 1`))[0]!.email });

      const late = await created(await create({ ...base, name: 'Late Ltd', mainUser: { name: 'Lou', email: 'lou@late.example' } }));
      const lateToken = await inviteToken('lou@late.example');
      world.deps.now = () => new Date(Date.now() + (world.config.inviteTtlHours + 1) * 3_600_000);
      try {
        await expectProblem(await acceptInvite(lateToken), 410, 'invite-expired');
        const [listed] = (await usersOf(late.id)).items;
        assert.equal(listed?.invite?.expired, true);
        assert.equal(listed?.status, 'invited');
      } finally {
        delete world.deps.now;
      }
      // A re-sent invite works again.
      assert.equal((await resend(late.id, late.invite!.userId)).status, 202);
      assert.equal((await acceptInvite(await inviteToken('lou@late.example'))).status, 200);
    });

    test("an invited main user gets a session from the MSP's portal only after accepting, as the same user", async () => {
      const body = await created(await create({ ...base, name: 'Aster Opticians', accessDelegation: 'full', mainUser: { name: 'Ida Aster', email: 'ida@aster-optik.example' } }));
      const mint = () =>
        world.request('/v1/embed-sessions', {
          method: 'POST',
          token: world.apiKeys.A.key,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            user: { externalId: 'portal-user-4711', email: 'Ida@aster-optik.example', name: 'Ida Aster' },
            role: 'customer_admin',
            tenantId: body.id,
            origins: ['https://portal.example'],
          }),
        });
      const early = await mint();
      assert.equal(early.status, 403);
      assert.match(((await early.json()) as { detail: string }).detail, /not accepted the invitation/);
      assert.equal((await acceptInvite(await inviteToken('ida@aster-optik.example'))).status, 200);
      const res = await mint();
      assert.equal(res.status, 201, await res.clone().text());
      const session = (await res.json()) as { userId: string };
      assert.equal(session.userId, body.invite!.userId, 'the invited user, not a second one');
      const people = await owner<{ external_id: string }>(sql`select external_id from users where tenant_id = ${body.id}::uuid`);
      assert.deepEqual(people.map((p) => p.external_id), ['portal-user-4711']);
    });

    test("/v1/me tells the caller's country, so the wizard knows when a VAT-ID is required", async () => {
      const res = await world.request('/v1/me', { token: admin });
      assert.equal(((await res.json()) as { org: { country: string } }).org.country, 'DE');
    });
  });
}

/// <reference types="mocha" />
import { sendKeys } from '@web/test-runner-commands';
import { http, HttpResponse } from 'msw';
import type { CreatedOrg, NewOrg } from '../../components/core/api-types.js';
import { API, assert, cleanup, expectNoAxeViolations, requests, sleep, startWorker, until, worker } from './helpers.js';

type Wizard = HTMLElementTagNameMap['msp-customer-create'];

const me = (country: string) => ({
  user: { id: '00000000-0000-4000-8000-000000000101', externalId: 'admin', email: 'ada@northwind.example', name: 'Ada Admin' },
  role: 'msp_admin',
  permissions: ['customers:read', 'customers:create', 'customers:manage'],
  org: { id: '00000000-0000-4000-8000-000000009999', slug: 'northwind', name: 'Northwind MSP', kind: 'msp', country },
  session: { expiresAt: '2030-01-01T00:00:00.000Z', origins: [] },
});

const created = (body: NewOrg): CreatedOrg =>
  ({
    id: '00000000-0000-4000-8000-00000000c0de',
    kind: body.accountType,
    slug: 'acme',
    name: body.name,
    parentId: '00000000-0000-4000-8000-000000009999',
    customer: body.accountType === 'partner' ? null : ({ id: '00000000-0000-4000-8000-00000000c0de', name: body.name } as CreatedOrg['customer']),
    invite: body.mainUser ? { userId: '00000000-0000-4000-8000-00000000beef', email: body.mainUser.email, expiresAt: '2026-11-28T10:00:00.000Z' } : null,
  }) as CreatedOrg;

const problem = (status: number, detail: string, errors?: { pointer: string; detail: string }[]) =>
  HttpResponse.json(
    { type: `https://portico.dev/problems/${status === 400 ? 'invalid-request' : 'internal-error'}`, title: 'Problem', status, detail, ...(errors ? { errors } : {}) },
    { status, headers: { 'content-type': 'application/problem+json' } },
  );

/** Records the POSTs; answers with `answer` (201 by default). */
function handlers(opts: { country?: string; answer?: (body: NewOrg, n: number) => Response | Promise<Response> } = {}) {
  const posts: { key: string | null; body: NewOrg }[] = [];
  return {
    posts,
    list: [
      http.get(`${API}/v1/me`, () => HttpResponse.json(me(opts.country ?? 'DE'))),
      http.post(`${API}/v1/customers`, async ({ request }) => {
        const body = (await request.json()) as NewOrg;
        posts.push({ key: request.headers.get('idempotency-key'), body });
        return opts.answer ? opts.answer(body, posts.length) : HttpResponse.json(created(body), { status: 201 });
      }),
    ],
  };
}

async function mount(): Promise<{ wizard: Wizard; root: ShadowRoot }> {
  await startWorker();
  const host = document.createElement('div');
  host.innerHTML = `<msp-provider api-base="${API}" lang="en-GB"><msp-customer-create></msp-customer-create></msp-provider>`;
  document.body.append(host);
  const provider = host.querySelector('msp-provider')!;
  provider.fetchSession = async () => ({ token: 'token-1', expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
  const wizard = host.querySelector('msp-customer-create')!;
  await wizard.updateComplete;
  await until(() => requests.some((r) => new URL(r.url).pathname === '/v1/me'), 'GET /v1/me');
  await sleep(20);
  return { wizard, root: wizard.shadowRoot! };
}

const heading = (root: ShadowRoot) => root.querySelector<HTMLElement>('.step-heading')!;
const field = <T extends HTMLElement = HTMLInputElement>(root: ShadowRoot, name: string) => root.querySelector<T>(`[name="${name}"]`)!;
const errorOf = (root: ShadowRoot, name: string) => root.querySelector(`#${name}-error`)?.textContent?.trim() ?? null;
const submit = (root: ShadowRoot) => root.querySelector<HTMLButtonElement>('button[type="submit"]')!;

async function type(wizard: Wizard, name: string, value: string): Promise<void> {
  const input = field(wizard.shadowRoot!, name);
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  await wizard.updateComplete;
}

async function choose(wizard: Wizard, name: string, value: string): Promise<void> {
  const root = wizard.shadowRoot!;
  const radio = root.querySelector<HTMLInputElement>(`input[type="radio"][name="${name}"][value="${value}"]`);
  if (radio) radio.click();
  else {
    const select = field<HTMLSelectElement>(root, name);
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
  }
  await wizard.updateComplete;
}

/** Presses Next (or Create) and waits for the render it causes. */
async function next(wizard: Wizard): Promise<void> {
  submit(wizard.shadowRoot!).click();
  await wizard.updateComplete;
  await sleep(0);
}

async function fillCompany(wizard: Wizard, values: { name?: string; country?: string; vatId?: string } = {}): Promise<void> {
  await type(wizard, 'name', values.name ?? 'Acme Robotics');
  if (values.country) await choose(wizard, 'country', values.country);
  if (values.vatId !== undefined) await type(wizard, 'vatId', values.vatId);
}

/** From the first step to the review with valid data. */
async function toReview(wizard: Wizard, opts: { user?: boolean } = {}): Promise<void> {
  await next(wizard);
  await fillCompany(wizard);
  await next(wizard);
  if (opts.user !== false) {
    await type(wizard, 'userName', 'Bea Boss');
    await type(wizard, 'userEmail', 'bea@acme.example');
  }
  await next(wizard);
  await next(wizard);
  await next(wizard);
  assert.ok(heading(wizard.shadowRoot!).textContent!.includes('Review'), 'on the review step');
}

describe('<msp-customer-create>', () => {
  before(startWorker);
  afterEach(cleanup);

  it('walks the six steps with focus on each heading, a step list, and no axe violations on any step', async () => {
    const h = handlers();
    worker.use(...h.list);
    const { wizard, root } = await mount();
    const titles = ['Account type', 'Company', 'Main user', 'Plan and licences', 'Access delegation', 'Review'];
    const steps = Array.from(root.querySelectorAll('[part="step"]')).map((s) => s.querySelector('.step-title')!.textContent);
    assert.deepEqual(steps, titles);
    for (const [i, title] of titles.entries()) {
      if (i > 0) assert.equal(root.activeElement, heading(root), `focus on the heading of step ${i + 1}`);
      assert.ok(heading(root).textContent!.includes(`Step ${i + 1} of 6`), `heading of step ${i + 1}`);
      assert.ok(heading(root).textContent!.includes(title));
      assert.equal(root.querySelector('[aria-current="step"]')!.textContent!.includes(title), true, 'the step list marks the current step');
      for (const input of Array.from(root.querySelectorAll('input, select'))) {
        const id = input.id;
        assert.ok(id && root.querySelector(`label[for="${id}"]`), `a label for ${(input as HTMLInputElement).name}`);
      }
      await expectNoAxeViolations(wizard);
      if (i === 1) await fillCompany(wizard);
      if (i < titles.length - 1) await next(wizard);
    }
    // Back returns, and the step list jumps to any step reached.
    root.querySelector<HTMLButtonElement>('button.secondary')!.click();
    await wizard.updateComplete;
    assert.ok(heading(root).textContent!.includes('Access delegation'));
    root.querySelectorAll<HTMLButtonElement>('button.step-button')[1]!.click();
    await wizard.updateComplete;
    assert.ok(heading(root).textContent!.includes('Company'));
    assert.equal(field(root, 'name').value, 'Acme Robotics', 'what was typed is kept');
  });

  it('checks each step before the next: name required, state for US addresses, an address complete or absent', async () => {
    worker.use(...handlers().list);
    const { wizard, root } = await mount();
    await next(wizard);
    await next(wizard);
    assert.equal(errorOf(root, 'name'), 'Company name is required');
    assert.equal(field(root, 'name').getAttribute('aria-invalid'), 'true');
    assert.ok(field(root, 'name').getAttribute('aria-describedby')!.split(' ').includes('name-error'), 'the error describes the field');
    assert.equal(root.activeElement, field(root, 'name'), 'focus on the first invalid field');
    await expectNoAxeViolations(wizard);

    await fillCompany(wizard, { country: 'US', vatId: 'US-12345' });
    await type(wizard, 'city', 'Springfield');
    await next(wizard);
    assert.ok(errorOf(root, 'state')!.includes('is required for addresses in US'));
    assert.equal(errorOf(root, 'line1'), 'Street and number is required for an address');
    assert.equal(errorOf(root, 'postalCode'), 'Postal code is required for an address');
    assert.equal(errorOf(root, 'name'), null, 'a fixed field loses its error');
    await type(wizard, 'state', 'IL');
    await type(wizard, 'city', '');
    await next(wizard);
    assert.ok(heading(root).textContent!.includes('Main user'), 'an address left empty is fine');

    await type(wizard, 'userEmail', 'not-an-email');
    await next(wizard);
    assert.equal(errorOf(root, 'userName'), 'Name is required to invite a main user');
    assert.equal(errorOf(root, 'userEmail'), 'Email must be an email address');
    await type(wizard, 'userEmail', '');
    await next(wizard);
    assert.ok(heading(root).textContent!.includes('Plan'), 'no main user is fine');
  });

  it("requires a VAT ID exactly when the country differs from the MSP's (GET /v1/me), and says why", async () => {
    worker.use(...handlers({ country: 'DE' }).list);
    const { wizard, root } = await mount();
    await next(wizard);
    assert.equal(field<HTMLSelectElement>(root, 'country').value, 'DE', "the MSP's country is the default");
    await fillCompany(wizard);
    assert.ok(root.querySelector('#vatId-hint')!.textContent!.includes('Optional'));
    await choose(wizard, 'country', 'FR');
    const hint = root.querySelector('#vatId-hint')!.textContent!;
    assert.ok(hint.includes('Required') && hint.includes('France') && hint.includes('Germany'), hint);
    assert.ok(root.querySelector('label[for="vatId"]')!.textContent!.includes('(required)'));
    assert.equal(field(root, 'vatId').placeholder, 'FRXX123456789', 'an example of the format');
    await next(wizard);
    assert.ok(errorOf(root, 'vatId')!.startsWith('VAT ID is required'));
    await type(wizard, 'vatId', 'DE123456789');
    await next(wizard);
    assert.ok(errorOf(root, 'vatId')!.includes('must start with FR'), 'the EU format of the country');
    await type(wizard, 'vatId', 'FR12 345678901');
    await next(wizard);
    assert.ok(heading(root).textContent!.includes('Main user'));
    cleanup();

    // An MSP in France: a German customer now needs one.
    worker.use(...handlers({ country: 'FR' }).list);
    const second = await mount();
    await next(second.wizard);
    await fillCompany(second.wizard, { country: 'DE' });
    await next(second.wizard);
    assert.ok(errorOf(second.root, 'vatId')!.includes('is required'));
  });

  it('plan: a trial starts with 5 licences, a purchased plan needs a quota, unlimited hides it and sends none', async () => {
    const h = handlers();
    worker.use(...h.list);
    const { wizard, root } = await mount();
    await next(wizard);
    await fillCompany(wizard);
    await next(wizard);
    await next(wizard);
    assert.equal(field(root, 'licenceQuota').value, '5');
    await choose(wizard, 'plan', 'purchased');
    await type(wizard, 'licenceQuota', '');
    await next(wizard);
    assert.ok(errorOf(root, 'licenceQuota')!.includes('is required for a purchased plan'));
    await choose(wizard, 'licenceModel', 'per_scan');
    assert.ok(root.querySelector('label[for="licenceQuota"]')!.textContent!.includes('Scans per month'));
    await choose(wizard, 'licenceModel', 'unlimited');
    assert.equal(root.querySelector('[name="licenceQuota"]'), null, 'no quota for unlimited');
    await choose(wizard, 'serviceMode', 'self_service');
    await choose(wizard, 'paymentMethod', 'credit_card');
    await expectNoAxeViolations(wizard);
    await next(wizard);
    await choose(wizard, 'accessDelegation', 'read_only');
    await next(wizard);
    await next(wizard);
    await until(() => h.posts.length === 1, 'the POST');
    assert.deepEqual(h.posts[0]!.body, {
      accountType: 'customer',
      name: 'Acme Robotics',
      country: 'DE',
      plan: 'purchased',
      licenceModel: 'unlimited',
      serviceMode: 'self_service',
      paymentMethod: 'credit_card',
      accessDelegation: 'read_only',
    });
  });

  it('review lists everything; Edit jumps to a step and Next comes back to the review', async () => {
    worker.use(...handlers().list);
    const { wizard, root } = await mount();
    await toReview(wizard);
    const review = root.querySelector('[part="review"]')!.textContent!.replace(/\s+/g, ' ');
    for (const text of ['Customer', 'Acme Robotics', 'Germany', 'Bea Boss <bea@acme.example>', 'Trial', 'Per asset', 'Managed', 'Invoice', 'Disabled']) {
      assert.ok(review.includes(text), `the review shows ${text}`);
    }
    await expectNoAxeViolations(wizard);
    root.querySelector<HTMLButtonElement>('button[aria-label="Edit plan and licences"]')!.click();
    await wizard.updateComplete;
    assert.ok(heading(root).textContent!.includes('Plan'));
    assert.equal(root.activeElement, heading(root));
    assert.equal(submit(root).textContent!.trim(), 'Back to review');
    await choose(wizard, 'plan', 'purchased');
    await next(wizard);
    assert.ok(heading(root).textContent!.includes('Review'));
    assert.ok(root.querySelector('[part="review"]')!.textContent!.includes('Purchased'));
    assert.equal(submit(root).textContent!.trim(), 'Create customer');
  });

  it("a server 400 takes the form to the field's step and shows the message by the field", async () => {
    const h = handlers({
      answer: (_body, n) =>
        n === 1
          ? problem(400, 'The request is not valid: check body/vatId, body/mainUser/email.', [
              { pointer: '#/body/vatId', detail: 'is not a VAT-ID of DE (expected the form DE123456789)' },
              { pointer: '#/body/mainUser/email', detail: 'is already a user of another organisation' },
            ])
          : HttpResponse.json(created(h.posts[n - 1]!.body), { status: 201 }),
    });
    worker.use(...h.list);
    const { wizard, root } = await mount();
    await toReview(wizard);
    await next(wizard);
    await until(() => heading(root).textContent!.includes('Company'), 'back on the company step');
    assert.equal(errorOf(root, 'vatId'), 'VAT ID is not a VAT-ID of DE (expected the form DE123456789)');
    assert.equal(field(root, 'vatId').getAttribute('aria-invalid'), 'true');
    await until(() => root.activeElement === field(root, 'vatId'), 'focus on the VAT ID');
    await expectNoAxeViolations(wizard);
    await type(wizard, 'vatId', 'DE123456789');
    await next(wizard);
    assert.ok(heading(root).textContent!.includes('Main user'));
    assert.equal(errorOf(root, 'userEmail'), 'Email is already a user of another organisation', "the other field's message waits on its step");
    await type(wizard, 'userEmail', 'bea@acme-robotics.example');
    for (let i = 0; i < 3; i++) await next(wizard);
    await next(wizard);
    await until(() => root.querySelector('[part="success"]'), 'created');
    assert.equal(h.posts[1]!.body.vatId, 'DE123456789');
  });

  it('sends one Idempotency-Key per run: a double click posts once, a retry after a failure reuses it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const h = handlers({
      answer: async (body, n) => {
        if (n === 1) {
          await gate;
          return problem(500, 'The database is not answering.');
        }
        return HttpResponse.json(created(body), { status: 201 });
      },
    });
    worker.use(...h.list);
    const errors: unknown[] = [];
    document.addEventListener('msp-error', (e) => errors.push(e.detail));
    const { wizard, root } = await mount();
    await toReview(wizard);
    submit(root).click();
    submit(root).click();
    await wizard.updateComplete;
    assert.equal(submit(root).disabled, true, 'Create is disabled while sending');
    assert.equal(submit(root).textContent!.trim(), 'Creating…');
    release();
    const alert = await until(() => root.querySelector('[role="alert"]'), 'the error');
    assert.ok(alert.textContent!.includes('The database is not answering.'));
    assert.equal(h.posts.length, 1, 'the second click sent nothing');
    assert.deepEqual(errors, [{ type: 'api_error', message: 'The database is not answering.', status: 500 }]);
    assert.equal(submit(root).textContent!.trim(), 'Try again');
    await expectNoAxeViolations(wizard);
    submit(root).click();
    await until(() => root.querySelector('[part="success"]'), 'created on the retry');
    assert.equal(h.posts.length, 2);
    assert.ok(/^[0-9a-f-]{36}$/.test(h.posts[0]!.key!), 'a UUID');
    assert.equal(h.posts[1]!.key, h.posts[0]!.key, 'the retry carries the same key');

    // A new run gets a new key.
    root.querySelector<HTMLButtonElement>('[part="success"] button')!.click();
    await wizard.updateComplete;
    assert.ok(heading(root).textContent!.includes('Account type'));
    await toReview(wizard, { user: false });
    await next(wizard);
    await until(() => h.posts.length === 3, 'the third POST');
    assert.ok(h.posts[2]!.key !== h.posts[0]!.key, 'another run, another key');
  });

  it('emits msp-customer-created and shows who was invited', async () => {
    worker.use(...handlers().list);
    const { wizard, root } = await mount();
    const events: CustomEvent[] = [];
    document.addEventListener('msp-customer-created', (e) => events.push(e), { once: true });
    await toReview(wizard);
    await next(wizard);
    const success = await until(() => root.querySelector('[part="success"]'), 'the success state');
    assert.ok(success.textContent!.includes('Invitation sent to bea@acme.example'));
    assert.equal(root.activeElement, root.querySelector('.success-heading'), 'focus on the outcome');
    assert.equal(events.length, 1);
    const detail = events[0]!.detail as { id: string; kind: string; customer: { name: string } | null; invite: { email: string } | null };
    assert.equal(detail.id, '00000000-0000-4000-8000-00000000c0de');
    assert.equal(detail.kind, 'customer');
    assert.equal(detail.customer!.name, 'Acme Robotics');
    assert.equal(detail.invite!.email, 'bea@acme.example');
    assert.ok(events[0]!.bubbles && events[0]!.composed);
    await expectNoAxeViolations(wizard);
  });

  it('works by keyboard alone: Tab, arrows in radio groups, Space and Enter', async () => {
    const h = handlers();
    worker.use(...h.list);
    const { wizard, root } = await mount();
    root.querySelector<HTMLInputElement>('input[name="accountType"][value="customer"]')!.focus();
    await sendKeys({ press: 'ArrowDown' });
    await wizard.updateComplete;
    assert.equal(root.querySelector<HTMLInputElement>('input[name="accountType"]:checked')!.value, 'partner', 'the arrow chose the next type');
    await sendKeys({ press: 'Tab' });
    assert.equal(root.activeElement, submit(root), 'Tab reaches Next');
    await sendKeys({ press: 'Enter' });
    await wizard.updateComplete;
    assert.equal(root.activeElement, heading(root), 'focus on the company heading');
    await sendKeys({ press: 'Tab' });
    assert.equal(root.activeElement, field(root, 'name'));
    await sendKeys({ type: 'Reseller One' });
    await sendKeys({ press: 'Enter' });
    await wizard.updateComplete;
    assert.ok(heading(root).textContent!.includes('Main user'), 'Enter in a field moves on');
    for (let i = 0; i < 3; i++) {
      await sendKeys({ press: 'Tab' });
      while (root.activeElement !== submit(root)) await sendKeys({ press: 'Tab' });
      await sendKeys({ press: 'Space' });
      await wizard.updateComplete;
    }
    assert.equal(submit(root).textContent!.trim(), 'Create sub-partner');
    submit(root).focus();
    await sendKeys({ press: 'Enter' });
    await until(() => root.querySelector('[part="success"]'), 'created');
    assert.equal(h.posts[0]!.body.accountType, 'partner');
    assert.ok(root.querySelector('[part="success"]')!.textContent!.includes('No main user was invited'));
  });
});

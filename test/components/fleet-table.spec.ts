/// <reference types="mocha" />
import { http, HttpResponse } from 'msw';
import {
  API,
  assert,
  cleanup,
  expectNoAxeViolations,
  fleetHandlers,
  fleetRequests,
  fleetRow,
  lastFleetParams,
  preference,
  mountTable,
  requests,
  sleep,
  startWorker,
  until,
  worker,
  type Mounted,
} from './helpers.js';

const rowsRendered = (root: ShadowRoot) => root.querySelectorAll('.body [role="row"]').length;
const cell = (root: ShadowRoot, r: number, c: number) => root.querySelector<HTMLElement>(`[data-r="${r}"][data-c="${c}"]`);
const header = (root: ShadowRoot, column: string) => root.querySelector<HTMLElement>(`[role="columnheader"][data-column="${column}"]`)!;
const activeCell = (root: ShadowRoot) => root.activeElement as HTMLElement | null;

function key(target: Element, k: string, init: KeyboardEventInit = {}): void {
  target.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, composed: true, cancelable: true, ...init }));
}

async function ready(opts: Parameters<typeof mountTable>[0] = {}): Promise<Mounted> {
  const m = await mountTable(opts);
  await until(() => rowsRendered(m.root) > 0, 'rows');
  return m;
}

describe('<msp-fleet-table>', () => {
  before(startWorker);
  afterEach(cleanup);

  describe('states', () => {
    it('shows a loading state, then rows and the portfolio totals', async () => {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      worker.use(
        http.get(`${API}/v1/fleet`, async () => {
          await gate;
          return HttpResponse.json({ items: [fleetRow(1), fleetRow(2)], nextCursor: null });
        }),
        ...fleetHandlers(),
      );
      const { root, table } = await mountTable();
      await until(() => root.querySelector('[data-state="loading"]'), 'the loading state');
      await expectNoAxeViolations(table);
      release();
      await until(() => rowsRendered(root) === 2, 'two rows');
      const totals = Array.from(root.querySelectorAll('[part="total"]')).map((t) => [t.querySelector('dt')!.textContent, t.querySelector('dd')!.textContent]);
      assert.deepEqual(totals, [
        ['Customers', '120'],
        ['Active', '100'],
        ['Annual contract value', '€123k'],
        ['Renewals in 3 months', '7'],
      ]);
      assert.equal(table.rows.length, 2);
    });

    it('shows an empty state when no customer matches', async () => {
      worker.use(http.get(`${API}/v1/fleet`, () => HttpResponse.json({ items: [], nextCursor: null })), ...fleetHandlers());
      const { root, table } = await mountTable();
      const empty = await until(() => root.querySelector('[data-state="empty"]'), 'the empty state');
      assert.ok(empty.textContent!.includes('No customers'));
      await expectNoAxeViolations(table);
    });

    it('shows an error state with a retry, and emits msp-error', async () => {
      let calls = 0;
      worker.use(
        http.get(`${API}/v1/fleet`, () =>
          ++calls === 1
            ? HttpResponse.json({ type: 'https://portico.dev/problems/internal-error', title: 'Internal error', status: 500, detail: 'Boom.' }, { status: 500 })
            : HttpResponse.json({ items: [fleetRow(1)], nextCursor: null }),
        ),
        ...fleetHandlers(),
      );
      const errors: unknown[] = [];
      document.addEventListener('msp-error', (e) => errors.push(e.detail), { once: true });
      const { root, table } = await mountTable();
      const error = await until(() => root.querySelector('[data-state="error"]'), 'the error state');
      assert.ok(error.textContent!.includes('Boom.'));
      assert.deepEqual(errors, [{ type: 'api_error', message: 'Boom.', status: 500 }]);
      await expectNoAxeViolations(table);
      error.querySelector('button')!.click();
      await until(() => rowsRendered(root) === 1, 'rows after retry');
    });

    it('passes axe with rows, the open column chooser and the open actions menu', async () => {
      worker.use(...fleetHandlers({ rows: [fleetRow(1), fleetRow(2, { status: 'connection_lost', licences: null, posture: null, plan: null, acv: null, lastScanAt: null, openPriorityFindings: null })] }));
      const { root, table } = await ready();
      assert.ok(root.querySelector('[data-status="connection_lost"]')!.textContent!.includes('Connection lost'));
      await expectNoAxeViolations(table);
      root.querySelector<HTMLButtonElement>('.chooser-button')!.click();
      root.querySelector<HTMLButtonElement>('[part="actions-button"]')!.click();
      await until(() => root.querySelector('[role="menu"]') && root.querySelector('.chooser'), 'menu and chooser');
      await expectNoAxeViolations(table);
    });
  });

  describe('security and commercial cells', () => {
    it('draws the posture sparkline and the licence meter with their values', async () => {
      worker.use(...fleetHandlers({ rows: [fleetRow(1)] }));
      const { root } = await ready();
      const meter = root.querySelector('[role="meter"]')!;
      assert.equal(meter.getAttribute('aria-valuenow'), '45');
      assert.equal(meter.getAttribute('aria-valuemax'), '50');
      assert.equal(meter.getAttribute('data-level'), 'warning', 'per-asset alerts at 90 %');
      const points = root.querySelector('svg.sparkline polyline')!.getAttribute('points')!.split(' ');
      assert.equal(points.length, 30);
      const bands = Array.from(root.querySelectorAll('[part="group-header"]')).map((b) => b.textContent!.trim());
      assert.deepEqual(bands, ['Customer', 'Commercial', 'Security']);
    });

    it('keeps only name, status and posture at 360 px', async () => {
      worker.use(...fleetHandlers());
      const { root } = await ready({ width: '360px' });
      await until(() => !header(root, 'licences'), 'licences hidden');
      const shown = Array.from(root.querySelectorAll('[role="columnheader"][data-column]')).map((h) => h.getAttribute('data-column'));
      assert.deepEqual(shown, ['name', 'status', 'posture']);
      const grid = root.querySelector('.grid')!;
      assert.ok(grid.scrollWidth <= grid.clientWidth + 1, `no horizontal scroll at 360 px (${grid.scrollWidth} > ${grid.clientWidth})`);
    });
  });

  describe('sorting', () => {
    it('sorts on the server when a header is clicked, and reflects it in aria-sort', async () => {
      worker.use(...fleetHandlers());
      const { root, table } = await ready();
      assert.equal(header(root, 'name').getAttribute('aria-sort'), 'ascending');
      const sorts: unknown[] = [];
      table.addEventListener('msp-sort-change', (e) => sorts.push(e.detail));
      header(root, 'posture').click();
      await until(() => lastFleetParams().get('sort') === 'postureScore', 'a request sorted by posture');
      assert.equal(lastFleetParams().get('order'), 'asc');
      await until(() => header(root, 'posture').getAttribute('aria-sort') === 'ascending', 'aria-sort ascending');
      assert.equal(header(root, 'name').getAttribute('aria-sort'), 'none');
      header(root, 'posture').click();
      await until(() => lastFleetParams().get('order') === 'desc', 'a descending request');
      await until(() => header(root, 'posture').getAttribute('aria-sort') === 'descending', 'aria-sort descending');
      assert.deepEqual(sorts, [
        { sort: 'postureScore', order: 'asc' },
        { sort: 'postureScore', order: 'desc' },
      ]);
      assert.equal(header(root, 'openFindings').hasAttribute('aria-sort'), false, 'unsortable columns carry no aria-sort');
    });
  });

  describe('filtering and search', () => {
    it('sends status, plan, service mode, payment method and tag filters as query params', async () => {
      worker.use(...fleetHandlers());
      const { root } = await ready();
      const select = (name: string, value: string) => {
        const s = root.querySelector<HTMLSelectElement>(`select[name="${name}"]`)!;
        s.value = value;
        s.dispatchEvent(new Event('change', { bubbles: true }));
      };
      select('status', 'connection_lost');
      await until(() => lastFleetParams().get('status') === 'connection_lost', 'status filter');
      select('plan', 'trial');
      select('serviceMode', 'self_service');
      select('paymentMethod', 'credit_card');
      const tag = root.querySelector<HTMLInputElement>('input[name="tag"]')!;
      tag.value = 'healthcare, vip';
      tag.dispatchEvent(new Event('change', { bubbles: true }));
      await until(() => lastFleetParams().get('tag') === 'healthcare,vip', 'tag filter');
      const p = lastFleetParams();
      assert.equal(p.get('plan'), 'trial');
      assert.equal(p.get('serviceMode'), 'self_service');
      assert.equal(p.get('paymentMethod'), 'credit_card');
      assert.equal(p.get('status'), 'connection_lost');
      assert.equal(p.get('cursor'), null, 'a new filter starts from the first page');
    });

    it('debounces the search box into one q= request', async () => {
      worker.use(...fleetHandlers());
      const { root } = await ready();
      const before = fleetRequests().length;
      const input = root.querySelector<HTMLInputElement>('input[type="search"]')!;
      for (const text of ['a', 'ac', 'acm', 'acme']) {
        input.value = text;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await sleep(50);
      }
      await until(() => lastFleetParams().get('q') === 'acme', 'the search request');
      await sleep(400);
      assert.equal(fleetRequests().length - before, 1, 'one request for four keystrokes');
    });

    it('sets the filters property from the host and reloads', async () => {
      worker.use(...fleetHandlers());
      const { table } = await ready();
      table.filters = { status: ['active', 'locked'], tag: ['eu'] };
      await until(() => lastFleetParams().get('status') === 'active,locked', 'status list');
      assert.equal(lastFleetParams().get('tag'), 'eu');
    });
  });

  describe('paging', () => {
    it('fetches the next page with the cursor as the user scrolls near the end', async () => {
      worker.use(...fleetHandlers({ total: 120 }));
      const { root, table } = await ready();
      assert.equal(lastFleetParams().get('limit'), '50');
      assert.equal(table.rows.length, 50);
      assert.ok(rowsRendered(root) < 50, `virtualised: ${rowsRendered(root)} of 50 rows in the DOM`);
      const body = root.querySelector<HTMLElement>('.body')!;
      // Keep scrolling to the bottom, as a user would: the virtualizer grows the scroll height
      // only after it has measured the rows it just rendered.
      const scrollUntil = (rows: number) => () => {
        body.scrollTop = body.scrollHeight;
        return table.rows.length === rows;
      };
      await until(scrollUntil(100), 'the second page');
      assert.equal(fleetRequests()[1] && new URL(fleetRequests()[1]!.url).searchParams.get('cursor'), '50');
      await until(scrollUntil(120), 'the last page');
      await sleep(200);
      assert.equal(fleetRequests().length, 3, 'no request past the last page');
    });
  });

  describe('keyboard', () => {
    it('moves a single tab stop with arrows, Home/End and PageUp/PageDown', async () => {
      worker.use(...fleetHandlers({ total: 40 }));
      const { root } = await ready();
      const tabStops = () => root.querySelectorAll('[data-r][tabindex="0"]').length;
      assert.equal(tabStops(), 1, 'one tab stop');
      header(root, 'name').focus();
      key(activeCell(root)!, 'ArrowDown');
      await until(() => activeCell(root) === cell(root, 1, 1), 'row 1 name');
      key(activeCell(root)!, 'ArrowRight');
      await until(() => activeCell(root) === cell(root, 1, 2), 'row 1 status');
      key(activeCell(root)!, 'End');
      await until(() => activeCell(root)?.getAttribute('part') === 'actions-button', 'the actions button (last cell)');
      key(activeCell(root)!, 'Home');
      await until(() => activeCell(root) === cell(root, 1, 0), 'the checkbox (first cell)');
      key(activeCell(root)!, 'PageDown');
      await until(() => activeCell(root) === cell(root, 11, 0), 'ten rows down');
      const lastCol = root.querySelectorAll('.cols [role="columnheader"]').length - 1;
      key(activeCell(root)!, 'End', { ctrlKey: true });
      await until(() => activeCell(root) === cell(root, 40, lastCol), 'the last cell of the last row');
      key(activeCell(root)!, 'PageUp');
      await until(() => activeCell(root) === cell(root, 30, lastCol), 'ten rows up');
      key(activeCell(root)!, 'Home', { ctrlKey: true });
      await until(() => activeCell(root) === cell(root, 0, 0), 'the first header cell');
      assert.equal(tabStops(), 1, 'still one tab stop');
    });

    it('sorts with Enter on a header, opens with Enter and selects with Space on a row', async () => {
      worker.use(...fleetHandlers());
      const { root, table } = await ready();
      const actions: unknown[] = [];
      const selections: unknown[] = [];
      table.addEventListener('msp-row-action', (e) => actions.push(e.detail));
      table.addEventListener('msp-selection-change', (e) => selections.push(e.detail));
      header(root, 'lastScan').focus();
      key(header(root, 'lastScan'), 'Enter');
      await until(() => lastFleetParams().get('sort') === 'lastScan', 'sorted by last scan');
      await until(() => rowsRendered(root) > 0 && cell(root, 2, 1), 'rows again');
      cell(root, 2, 1)!.focus();
      key(cell(root, 2, 1)!, 'Enter');
      key(cell(root, 2, 1)!, ' ');
      assert.deepEqual(actions, [{ action: 'open-customer', customerId: fleetRow(2).id }]);
      assert.deepEqual(selections, [{ selectedIds: [fleetRow(2).id] }]);
      await until(() => root.querySelector(`[data-id="${fleetRow(2).id}"]`)?.getAttribute('aria-selected') === 'true', 'aria-selected');
    });
  });

  describe('events', () => {
    it('emits msp-row-action from the row actions menu', async () => {
      worker.use(...fleetHandlers());
      const { root, table } = await ready();
      const actions: unknown[] = [];
      document.addEventListener('msp-row-action', (e) => actions.push(e.detail), { once: true });
      const button = root.querySelectorAll<HTMLButtonElement>('[part="actions-button"]')[2]!;
      button.click();
      const menu = await until(() => root.querySelector<HTMLElement>('[role="menu"]'), 'the menu');
      await until(() => activeCell(root)?.getAttribute('role') === 'menuitem', 'focus in the menu');
      key(activeCell(root)!, 'ArrowDown');
      assert.equal(activeCell(root)!.dataset.action, 'see-reports');
      activeCell(root)!.click();
      assert.deepEqual(actions, [{ action: 'see-reports', customerId: fleetRow(3).id }]);
      await until(() => !root.querySelector('[role="menu"]'), 'the menu closes');
      assert.equal(activeCell(root), button, 'focus returns to the actions button');
      void menu;
      void table;
    });

    it('closes the actions menu with Escape', async () => {
      worker.use(...fleetHandlers());
      const { root } = await ready();
      root.querySelector<HTMLButtonElement>('[part="actions-button"]')!.click();
      await until(() => activeCell(root)?.getAttribute('role') === 'menuitem', 'focus in the menu');
      key(activeCell(root)!, 'Escape');
      await until(() => !root.querySelector('[role="menu"]'), 'the menu closes');
    });

    it('emits msp-selection-change from the checkboxes, including select-all', async () => {
      worker.use(...fleetHandlers({ total: 3 }));
      const { root, table } = await ready();
      const selections: string[][] = [];
      table.addEventListener('msp-selection-change', (e) => selections.push(e.detail.selectedIds));
      cell(root, 1, 0)!.click();
      cell(root, 3, 0)!.click();
      assert.deepEqual(table.selectedIds, [fleetRow(1).id, fleetRow(3).id]);
      cell(root, 0, 0)!.click();
      assert.equal(selections.length, 3);
      assert.equal(selections[2]!.length, 3, 'select-all checks every loaded row');
      table.clearSelection();
      assert.deepEqual(selections[3], []);
    });
  });

  describe('column chooser', () => {
    it('loads the saved columns and saves a change with If-Match', async () => {
      const puts: { ifMatch: string | null; body: unknown }[] = [];
      worker.use(
        http.put(`${API}/v1/me/preferences/fleet-columns`, async ({ request }) => {
          const body = (await request.json()) as { value: { visible: string[] } };
          puts.push({ ifMatch: request.headers.get('if-match'), body });
          const version = puts.length + 1;
          return HttpResponse.json(preference(version, body.value.visible), { headers: { etag: `"${version}"` } });
        }),
        ...fleetHandlers(),
      );
      const { root } = await ready();
      await until(() => !header(root, 'plan'), 'saved choice applied (plan hidden)');
      assert.ok(header(root, 'licences'), 'licences shown');
      root.querySelector<HTMLButtonElement>('.chooser-button')!.click();
      const licences = await until(() => root.querySelector<HTMLInputElement>('.chooser input[name="licences"]'), 'the chooser');
      assert.equal(licences.checked, true);
      licences.click();
      await until(() => puts.length === 1, 'a PUT');
      assert.equal(puts[0]!.ifMatch, '"1"');
      assert.deepEqual((puts[0]!.body as { value: { visible: string[] } }).value.visible, ['name', 'status', 'posture', 'lastScan', 'openFindings']);
      await until(() => !header(root, 'licences'), 'licences hidden');
      root.querySelector<HTMLInputElement>('.chooser input[name="plan"]')!.click();
      await until(() => puts.length === 2, 'a second PUT');
      assert.equal(puts[1]!.ifMatch, '"2"', 'the next save uses the new ETag');
    });

    it('reloads the saved columns when the version is stale (412)', async () => {
      const ifMatches: (string | null)[] = [];
      worker.use(
        http.get(`${API}/v1/me/preferences/fleet-columns`, () => HttpResponse.json(preference(1, ['name', 'status']), { headers: { etag: '"1"' } })),
        http.put(`${API}/v1/me/preferences/fleet-columns`, ({ request }) => {
          ifMatches.push(request.headers.get('if-match'));
          return HttpResponse.json(
            { type: 'https://portico.dev/problems/precondition-failed', title: 'Precondition failed', status: 412, detail: 'stale', current: preference(5, ['name', 'acv']) },
            { status: 412, headers: { 'content-type': 'application/problem+json', etag: '"5"' } },
          );
        }),
        ...fleetHandlers(),
      );
      const errors: { type: string; status?: number }[] = [];
      document.addEventListener('msp-error', (e) => errors.push(e.detail));
      const { root } = await ready();
      await until(() => !header(root, 'posture'), 'first choice applied');
      root.querySelector<HTMLButtonElement>('.chooser-button')!.click();
      (await until(() => root.querySelector<HTMLInputElement>('.chooser input[name="posture"]'), 'chooser')).click();
      await until(() => header(root, 'acv') && !header(root, 'status'), 'the other device’s choice');
      assert.ok(errors.some((e) => e.status === 412 && e.type === 'api_error'));
      (await until(() => root.querySelector<HTMLInputElement>('.chooser input[name="plan"]'), 'chooser')).click();
      await until(() => ifMatches.length === 2, 'a second PUT');
      assert.deepEqual(ifMatches, ['"1"', '"5"'], 'the next save names the version the conflict reported');
    });
  });

  describe('export', () => {
    for (const format of ['json', 'csv', 'xlsx'] as const) {
      it(`downloads ${format.toUpperCase()} from /v1/fleet/export with the current filters and the bearer token`, async () => {
        worker.use(
          http.get(`${API}/v1/fleet/export`, () =>
            new HttpResponse('id,name\n', { headers: { 'content-type': 'text/csv', 'content-disposition': `attachment; filename="fleet-2026-11-25.${format}"` } }),
          ),
          ...fleetHandlers(),
        );
        const { root, table } = await ready();
        table.filters = { plan: ['trial'] };
        table.q = 'acme';
        await until(() => lastFleetParams().get('q') === 'acme', 'filtered list');
        const downloads: string[] = [];
        const click = HTMLAnchorElement.prototype.click;
        HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
          downloads.push(this.download);
        };
        try {
          root.querySelector<HTMLButtonElement>(`[part="export-button"][data-format="${format}"]`)!.click();
          await until(() => downloads.length === 1, 'a download');
        } finally {
          HTMLAnchorElement.prototype.click = click;
        }
        const request = requests.find((r) => new URL(r.url).pathname === '/v1/fleet/export')!;
        const params = new URL(request.url).searchParams;
        assert.equal(params.get('format'), format);
        assert.equal(params.get('plan'), 'trial');
        assert.equal(params.get('q'), 'acme');
        assert.equal(params.get('cursor'), null);
        assert.equal(request.headers.get('authorization'), 'Bearer token-1');
        assert.deepEqual(downloads, [`fleet-2026-11-25.${format}`]);
      });
    }
  });
});

import { consume } from '@lit/context';
import type { RangeChangedEvent } from '@lit-labs/virtualizer/events.js';
import { virtualize, virtualizerRef } from '@lit-labs/virtualizer/virtualize.js';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { classMap } from 'lit/directives/class-map.js';
import { styleProps } from '../core/style-props.js';
import { preferenceValue, type ApiClient, type FleetListParams } from '../core/api-client.js';
import type { ExportFormat, FleetColumnId, FleetRowJson, FleetSortKey, FleetSummary } from '../core/api-types.js';
import { MspElement } from '../core/base-element.js';
import { apiContext } from '../core/context.js';
import { saveBlob } from '../core/download.js';
import { ApiError, toApiError, type MspErrorDetail } from '../core/errors.js';
import { formatDate, formatMoney, formatNumber, formatPercent, formatRelative } from '../core/format.js';
import { emptyState, errorState, loadingState } from '../core/states.js';
import {
  defaultRowActions,
  defaultVisibleColumns,
  fleetColumns,
  groupLabels,
  optionLabels,
  paymentMethodOptions,
  planOptions,
  serviceModeOptions,
  statusOptions,
  type ColumnGroup,
  type FleetColumn,
} from './columns.js';
import styles from './fleet-table.styles.js';
import { sparkline } from './sparkline.js';

/** Filters sent to `/v1/fleet` (and `/v1/fleet/export`) as comma-separated query params. */
export interface FleetFilters {
  status?: string[];
  plan?: string[];
  serviceMode?: string[];
  paymentMethod?: string[];
  tag?: string[];
  lastScanBefore?: string;
  lastScanAfter?: string;
}

export interface FleetRowAction {
  action: string;
  label: string;
}

/** A list this short and complete is shown at its own height instead of a fixed scroll box. */
const FIT_ROWS = 8;

/** Below this width only the compact columns stay. */
const COMPACT_WIDTH = 640;
/** Fetch the next page when the last rendered row is this close to the end. */
const PREFETCH_ROWS = 15;
const SEARCH_DELAY_MS = 300;
/** Header rows above the data rows (group band + column headers). */
const HEADER_ROWS = 2;
const PAGE_JUMP = 10;


/**
 * The MSP's fleet: portfolio totals and every customer in scope, with server-side sort, filter
 * and search, virtual scrolling over cursor pages, a saved column choice, row actions,
 * multi-select, ARIA grid keyboard navigation and JSON/CSV/XLSX export.
 *
 * Needs an `<msp-provider>` ancestor.
 *
 * @summary Fleet view of an MSP's customers.
 *
 * @event {CustomEvent<{action: string, customerId: string}>} msp-row-action - A row action was
 *   chosen (`open-customer`, `see-reports`, `schedule-scan`, or one of `rowActions`). The host
 *   navigates.
 * @event {CustomEvent<{selectedIds: string[]}>} msp-selection-change - The checked rows changed.
 * @event {CustomEvent<{sort: string, order: 'asc'|'desc'}>} msp-sort-change - The user sorted by
 *   a column.
 * @event {CustomEvent<{type, message, status?}>} msp-error - A request failed (also shown inline).
 *
 * @csspart totals - The portfolio totals list.
 * @csspart total - One total.
 * @csspart toolbar - Search, filters, column chooser and export.
 * @csspart search - The search input.
 * @csspart filter - Each filter control.
 * @csspart column-chooser - The column chooser panel.
 * @csspart export-button - Each export button.
 * @csspart grid - The grid container.
 * @csspart group-header - The Customer / Commercial / Security bands.
 * @csspart column-header - Each column header.
 * @csspart row - Each data row.
 * @csspart cell - Each data cell.
 * @csspart checkbox - Row selection checkboxes.
 * @csspart status - The status label.
 * @csspart meter - The licence-use meter.
 * @csspart sparkline - The posture trend SVG.
 * @csspart actions-button - The row actions button.
 * @csspart actions-menu - The row actions menu.
 * @csspart state - Loading, empty and error boxes.
 *
 * @cssproperty --msp-fleet-table-height - Height of the scrolling rows area (default 28rem).
 * @cssproperty --msp-color-band-customer - Background of the Customer header band.
 * @cssproperty --msp-color-band-commercial - Background of the Commercial header band.
 * @cssproperty --msp-color-band-security - Background of the Security header band.
 * @cssproperty --msp-color-primary - Sort, focus and sparkline colour.
 */
export class MspFleetTable extends MspElement {
  static override styles = styles;

  /** Sort key sent as `?sort=`. */
  @property({ reflect: true }) sort: FleetSortKey = 'name';

  /** Sort direction sent as `?order=`. */
  @property({ reflect: true }) order: 'asc' | 'desc' = 'asc';

  /** Search text sent as `?q=` (the search box sets it after 300 ms without typing). */
  @property() q = '';

  /** Status, plan, service mode, payment method, tag and last-scan filters. */
  @property({ attribute: false }) filters: FleetFilters = {};

  /** Rows per request (`?limit=`, 1–200). */
  @property({ type: Number, attribute: 'page-size' }) pageSize = 50;

  /** Entries of each row's actions menu. */
  @property({ attribute: false }) rowActions: readonly FleetRowAction[] = defaultRowActions;

  @consume({ context: apiContext, subscribe: true })
  @state()
  private api: ApiClient | undefined;

  @state() private rowsState: FleetRowJson[] = [];
  @state() private nextCursor: string | null = null;
  @state() private phase: 'idle' | 'loading' | 'ready' | 'error' = 'idle';
  @state() private loadError: MspErrorDetail | undefined;
  @state() private loadingMore = false;
  @state() private summary: FleetSummary | undefined;
  @state() private selected = new Set<string>();
  @state() private visibleColumns: FleetColumnId[] = [...defaultVisibleColumns];
  @state() private columnOrder: FleetColumnId[] = fleetColumns.map((c) => c.id);
  @state() private chooserOpen = false;
  @state() private compact = false;
  @state() private focusRow = 0;
  @state() private focusCol = 1;
  @state() private menu: { customerId: string; name: string; x: number; y: number; anchor: HTMLElement } | undefined;
  @state() private exporting: ExportFormat | undefined;

  @query('.body') private body!: HTMLElement;

  private controller: AbortController | undefined;
  private columnsEtag: string | null = null;
  private preferencesLoadedFor: ApiClient | undefined;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private resizeObserver: ResizeObserver | undefined;
  private reloadQueued = false;
  private saving: Promise<void> = Promise.resolve();

  /** Rows loaded so far. */
  get rows(): FleetRowJson[] {
    return this.rowsState;
  }

  /** Ids of the checked rows. */
  get selectedIds(): string[] {
    return [...this.selected];
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.resizeObserver = new ResizeObserver((entries) => {
      const width = entries[0]?.contentRect.width ?? this.clientWidth;
      const compact = width > 0 && width < COMPACT_WIDTH;
      // Re-render on the next frame: changing layout inside the callback is a ResizeObserver loop.
      if (compact !== this.compact) requestAnimationFrame(() => (this.compact = compact));
    });
    this.resizeObserver.observe(this);
    document.addEventListener('pointerdown', this.onDocumentPointerDown, true);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
    this.controller?.abort();
    clearTimeout(this.searchTimer);
    document.removeEventListener('pointerdown', this.onDocumentPointerDown, true);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const queryChanged = (['sort', 'order', 'q', 'filters', 'pageSize'] as const).some((k) => changed.has(k));
    if (changed.has('api' as keyof MspFleetTable) || queryChanged) this.queueReload();
    if (changed.has('api' as keyof MspFleetTable) && this.api && this.preferencesLoadedFor !== this.api) {
      this.preferencesLoadedFor = this.api;
      void this.loadColumnPreference();
    }
  }

  private queueReload(): void {
    if (this.reloadQueued) return;
    this.reloadQueued = true;
    queueMicrotask(() => {
      this.reloadQueued = false;
      void this.reload();
    });
  }

  /** Refetches the first page and the totals. */
  async reload(): Promise<void> {
    const api = this.api;
    if (!api) return;
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.phase = 'loading';
    this.loadError = undefined;
    this.nextCursor = null;
    void this.loadSummary(api, controller.signal);
    try {
      const page = await api.fleet(this.listParams(null), controller.signal);
      if (controller.signal.aborted) return;
      this.rowsState = page.items;
      this.nextCursor = page.nextCursor;
      this.phase = 'ready';
      this.focusRow = Math.min(this.focusRow, page.items.length);
      this.pruneSelection();
    } catch (error) {
      if (controller.signal.aborted) return;
      const e = toApiError(error);
      this.rowsState = [];
      this.phase = 'error';
      this.loadError = e.detail;
      this.emit('msp-error', e.detail);
    }
  }

  /** Unchecks every row. */
  clearSelection(): void {
    if (this.selected.size === 0) return;
    this.selected = new Set();
    this.emit('msp-selection-change', { selectedIds: [] });
  }

  private async loadSummary(api: ApiClient, signal: AbortSignal): Promise<void> {
    try {
      const summary = await api.fleetSummary(signal);
      if (!signal.aborted) this.summary = summary;
    } catch {
      // The list reports the failure; totals just stay empty.
    }
  }

  private async loadMore(): Promise<void> {
    const api = this.api;
    const controller = this.controller;
    if (!api || !controller || !this.nextCursor || this.loadingMore || this.phase !== 'ready') return;
    this.loadingMore = true;
    try {
      const page = await api.fleet(this.listParams(this.nextCursor), controller.signal);
      if (controller.signal.aborted) return;
      this.rowsState = [...this.rowsState, ...page.items];
      this.nextCursor = page.nextCursor;
    } catch (error) {
      if (!controller.signal.aborted) this.emit('msp-error', toApiError(error).detail);
    } finally {
      if (this.controller === controller) this.loadingMore = false;
    }
  }

  private listParams(cursor: string | null): FleetListParams {
    const f = this.filters ?? {};
    return {
      limit: Math.max(1, Math.min(200, Math.trunc(this.pageSize) || 50)),
      cursor,
      sort: this.sort,
      order: this.order,
      q: this.q,
      ...(f.status ? { status: f.status } : {}),
      ...(f.plan ? { plan: f.plan } : {}),
      ...(f.serviceMode ? { serviceMode: f.serviceMode } : {}),
      ...(f.paymentMethod ? { paymentMethod: f.paymentMethod } : {}),
      ...(f.tag ? { tag: f.tag } : {}),
      ...(f.lastScanBefore ? { lastScanBefore: f.lastScanBefore } : {}),
      ...(f.lastScanAfter ? { lastScanAfter: f.lastScanAfter } : {}),
    };
  }

  private pruneSelection(): void {
    // Selection survives paging but not a new query: only rows still listed stay checked.
    const ids = new Set(this.rowsState.map((r) => r.id));
    const kept = [...this.selected].filter((id) => ids.has(id));
    if (kept.length !== this.selected.size) {
      this.selected = new Set(kept);
      this.emit('msp-selection-change', { selectedIds: kept });
    }
  }

  // ---- column preference -------------------------------------------------------------------

  private async loadColumnPreference(): Promise<void> {
    const api = this.api;
    if (!api) return;
    try {
      const { value, etag } = await api.fleetColumns();
      this.columnsEtag = etag;
      if (value) this.applyColumnPreference(value.visible, value.order);
    } catch (error) {
      this.emit('msp-error', toApiError(error).detail);
    }
  }

  private applyColumnPreference(visible: readonly string[], order?: readonly string[]): void {
    const known = new Set<string>(fleetColumns.map((c) => c.id));
    const fixed = fleetColumns.filter((c) => !c.hideable).map((c) => c.id);
    this.visibleColumns = [...new Set([...fixed, ...visible.filter((id): id is FleetColumnId => known.has(id))])];
    if (order?.length) {
      const ordered = order.filter((id): id is FleetColumnId => known.has(id));
      this.columnOrder = [...new Set([...ordered, ...fleetColumns.map((c) => c.id)])];
    }
  }

  private toggleColumn(id: FleetColumnId, show: boolean): Promise<void> {
    const next = show ? [...new Set([...this.visibleColumns, id])] : this.visibleColumns.filter((c) => c !== id);
    this.visibleColumns = this.columnOrder.filter((c) => next.includes(c));
    // Saves run one after another, so each sends the ETag the previous one returned.
    this.saving = this.saving.then(() => this.saveColumns());
    return this.saving;
  }

  private async saveColumns(): Promise<void> {
    const api = this.api;
    if (!api) return;
    try {
      const saved = await api.saveFleetColumns({ visible: this.visibleColumns, order: this.columnOrder }, this.columnsEtag);
      this.columnsEtag = saved.etag ?? this.columnsEtag;
    } catch (error) {
      const e = toApiError(error);
      if (e instanceof ApiError && (e.status === 412 || e.status === 428)) {
        // Changed in another tab or device: show what is saved there rather than overwrite it.
        const current = (e.problem as { current?: unknown } | undefined)?.current;
        const value = preferenceValue(current);
        const version = (current as { version?: unknown } | undefined)?.version;
        if (value && typeof version === 'number') {
          this.columnsEtag = `"${version}"`;
          this.applyColumnPreference(value.visible, value.order);
        } else await this.loadColumnPreference();
        this.emit('msp-error', { type: 'api_error', message: 'Your column choice was changed elsewhere; showing the saved one.', status: e.status });
        return;
      }
      this.emit('msp-error', e.detail);
    }
  }

  // ---- export ------------------------------------------------------------------------------

  private async export(format: ExportFormat): Promise<void> {
    const api = this.api;
    if (!api || this.exporting) return;
    this.exporting = format;
    try {
      const { blob, filename } = await api.exportFleet(format, this.listParams(null));
      saveBlob(this.renderRoot, blob, filename);
    } catch (error) {
      this.emit('msp-error', toApiError(error).detail);
    } finally {
      this.exporting = undefined;
    }
  }

  // ---- interaction -------------------------------------------------------------------------

  private get columns(): FleetColumn[] {
    const byId = new Map(fleetColumns.map((c) => [c.id, c]));
    return this.columnOrder
      .map((id) => byId.get(id))
      .filter((c): c is FleetColumn => !!c && this.visibleColumns.includes(c.id) && (!this.compact || !!c.compact));
  }

  /** Grid columns: checkbox, data columns, actions. */
  private get columnCount(): number {
    return this.columns.length + 2;
  }

  private sortBy(column: FleetColumn): void {
    if (!column.sort) return;
    if (this.sort === column.sort) this.order = this.order === 'asc' ? 'desc' : 'asc';
    else {
      this.sort = column.sort;
      this.order = 'asc';
    }
    this.emit('msp-sort-change', { sort: this.sort, order: this.order });
  }

  private onSearchInput(event: Event): void {
    const value = (event.target as HTMLInputElement).value;
    clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => {
      this.q = value;
    }, SEARCH_DELAY_MS);
  }

  private setFilter(key: 'status' | 'plan' | 'serviceMode' | 'paymentMethod', value: string): void {
    const next: FleetFilters = { ...this.filters };
    if (value) next[key] = [value];
    else delete next[key];
    this.filters = next;
  }

  private onTagChange(event: Event): void {
    const tags = (event.target as HTMLInputElement).value
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const next: FleetFilters = { ...this.filters };
    if (tags.length) next.tag = tags;
    else delete next.tag;
    this.filters = next;
  }

  private toggleRow(id: string, checked?: boolean): void {
    const next = new Set(this.selected);
    const on = checked ?? !next.has(id);
    if (on) next.add(id);
    else next.delete(id);
    this.selected = next;
    this.emit('msp-selection-change', { selectedIds: [...next] });
  }

  private toggleAll(checked: boolean): void {
    this.selected = checked ? new Set(this.rowsState.map((r) => r.id)) : new Set();
    this.emit('msp-selection-change', { selectedIds: [...this.selected] });
  }

  private openMenu(row: FleetRowJson, anchor: HTMLElement): void {
    const rect = anchor.getBoundingClientRect();
    this.menu = { customerId: row.id, name: row.name, x: Math.max(4, rect.right - 192), y: rect.bottom + 2, anchor };
    void this.updateComplete.then(() => (this.renderRoot.querySelector('.menu [role="menuitem"]') as HTMLElement | null)?.focus());
  }

  private closeMenu(restoreFocus = true): void {
    const anchor = this.menu?.anchor;
    this.menu = undefined;
    if (restoreFocus && anchor?.isConnected) anchor.focus();
  }

  private chooseAction(action: string): void {
    const menu = this.menu;
    if (!menu) return;
    this.closeMenu();
    this.emit('msp-row-action', { action, customerId: menu.customerId });
  }

  private onMenuKeydown(event: KeyboardEvent): void {
    const items = Array.from(this.renderRoot.querySelectorAll<HTMLElement>('.menu [role="menuitem"]'));
    const index = items.indexOf(this.renderRoot.querySelector<HTMLElement>('.menu [role="menuitem"]:focus') ?? items[0]!);
    const move = (i: number) => items[(i + items.length) % items.length]?.focus();
    switch (event.key) {
      case 'ArrowDown':
        move(index + 1);
        break;
      case 'ArrowUp':
        move(index - 1);
        break;
      case 'Home':
        move(0);
        break;
      case 'End':
        move(items.length - 1);
        break;
      case 'Escape':
        this.closeMenu();
        break;
      case 'Tab':
        this.closeMenu();
        return;
      default:
        return;
    }
    event.preventDefault();
    event.stopPropagation();
  }

  private onDocumentPointerDown = (event: Event): void => {
    const path = event.composedPath();
    if (this.menu && !path.some((n) => n instanceof HTMLElement && n.classList?.contains('menu'))) this.closeMenu(false);
    if (this.chooserOpen && !path.some((n) => n instanceof HTMLElement && (n.classList?.contains('chooser') || n.classList?.contains('chooser-button'))))
      this.chooserOpen = false;
  };

  /** Keeps the roving tab stop where the user clicked or tabbed. */
  private onGridFocusIn(event: FocusEvent): void {
    const target = (event.composedPath()[0] as HTMLElement | undefined)?.closest?.('[data-r]') as HTMLElement | null;
    if (!target) return;
    this.focusRow = Number(target.dataset.r);
    this.focusCol = Number(target.dataset.c);
  }

  private onGridKeydown(event: KeyboardEvent): void {
    if (this.menu) return;
    const lastRow = this.rowsState.length;
    const lastCol = this.columnCount - 1;
    let row = this.focusRow;
    let col = this.focusCol;
    const target = event.composedPath()[0] as HTMLElement;
    switch (event.key) {
      case 'ArrowRight':
        col = Math.min(lastCol, col + (this.direction === 'rtl' ? -1 : 1));
        col = Math.max(0, col);
        break;
      case 'ArrowLeft':
        col = Math.max(0, col + (this.direction === 'rtl' ? 1 : -1));
        col = Math.min(lastCol, col);
        break;
      case 'ArrowDown':
        row = Math.min(lastRow, row + 1);
        break;
      case 'ArrowUp':
        row = Math.max(0, row - 1);
        break;
      case 'PageDown':
        row = Math.min(lastRow, row + PAGE_JUMP);
        break;
      case 'PageUp':
        row = Math.max(0, row - PAGE_JUMP);
        break;
      case 'Home':
        col = 0;
        if (event.ctrlKey) row = 0;
        break;
      case 'End':
        col = lastCol;
        if (event.ctrlKey) row = lastRow;
        break;
      case 'Enter':
      case ' ':
        if (this.activateCell(row, col, event.key, target)) event.preventDefault();
        return;
      default:
        return;
    }
    event.preventDefault();
    void this.focusCell(row, col);
  }

  /** Enter / Space on the focused cell. Returns whether it was handled here. */
  private activateCell(row: number, col: number, key: string, target: HTMLElement): boolean {
    const column = this.columns[col - 1];
    if (row === 0) {
      if (column?.sort) {
        this.sortBy(column);
        return true;
      }
      return false;
    }
    // The checkbox and the actions button handle their own keys.
    if (target instanceof HTMLInputElement || target instanceof HTMLButtonElement) return false;
    const data = this.rowsState[row - 1];
    if (!data) return false;
    if (key === ' ') {
      this.toggleRow(data.id);
      return true;
    }
    this.emit('msp-row-action', { action: 'open-customer', customerId: data.id });
    return true;
  }

  private async focusCell(row: number, col: number): Promise<void> {
    this.focusRow = row;
    this.focusCol = col;
    if (row > 0) {
      const virtualizer = (this.body as unknown as { [virtualizerRef]?: { element(i: number): { scrollIntoView(o?: ScrollIntoViewOptions): void } | undefined } })[virtualizerRef];
      virtualizer?.element(row - 1)?.scrollIntoView({ block: 'nearest' });
    }
    for (let attempt = 0; attempt < 5; attempt++) {
      await this.updateComplete;
      const el = this.renderRoot.querySelector<HTMLElement>(`[data-r="${row}"][data-c="${col}"]`);
      if (el) {
        el.focus({ preventScroll: row === 0 });
        el.scrollIntoView?.({ block: 'nearest', inline: 'nearest' });
        return;
      }
      await new Promise((r) => requestAnimationFrame(r));
    }
  }

  private onRangeChanged(event: RangeChangedEvent): void {
    if (this.nextCursor && event.last >= this.rowsState.length - PREFETCH_ROWS) void this.loadMore();
  }

  // ---- rendering ---------------------------------------------------------------------------

  private tabindex(row: number, col: number): string {
    return row === this.focusRow && col === this.focusCol ? '0' : '-1';
  }

  private renderTotals(): TemplateResult {
    const s = this.summary;
    const loc = this.locale;
    const acv = s?.acv.length ? s.acv.map((m) => formatMoney(m, loc, { compact: true })).join(' · ') : '—';
    const item = (label: string, value: string) => html`<div class="total" part="total"><dt>${label}</dt><dd>${value}</dd></div>`;
    return html`<dl class="totals" part="totals" aria-label="Portfolio totals">
      ${item('Customers', s ? formatNumber(s.customers, loc) : '—')} ${item('Active', s ? formatNumber(s.active, loc) : '—')}
      ${item('Annual contract value', acv)} ${item('Renewals in 3 months', s ? formatNumber(s.renewalsNextThreeMonths, loc) : '—')}
    </dl>`;
  }

  private renderSelect(key: 'status' | 'plan' | 'serviceMode' | 'paymentMethod', label: string, options: readonly string[]): TemplateResult {
    const current = this.filters?.[key]?.[0] ?? '';
    return html`<label
      >${label}
      <select part="filter" name=${key} @change=${(e: Event) => this.setFilter(key, (e.target as HTMLSelectElement).value)}>
        <option value="" ?selected=${current === ''}>All</option>
        ${options.map((o) => html`<option value=${o} ?selected=${current === o}>${optionLabels[o] ?? o}</option>`)}
      </select></label
    >`;
  }

  private renderToolbar(): TemplateResult {
    const hideable = fleetColumns.filter((c) => c.hideable);
    return html`<div class="toolbar" part="toolbar">
      <label class="search"
        >Search
        <input part="search" type="search" name="q" .value=${this.q} placeholder="Customer name" @input=${this.onSearchInput} />
      </label>
      ${this.renderSelect('status', 'Status', statusOptions)} ${this.renderSelect('plan', 'Plan', planOptions)}
      ${this.renderSelect('serviceMode', 'Service mode', serviceModeOptions)}
      ${this.renderSelect('paymentMethod', 'Payment method', paymentMethodOptions)}
      <label
        >Tags
        <input part="filter" name="tag" type="text" .value=${(this.filters?.tag ?? []).join(', ')} placeholder="e.g. healthcare" @change=${this.onTagChange}
      /></label>
      <button
        type="button"
        class="tool-button chooser-button"
        aria-expanded=${this.chooserOpen ? 'true' : 'false'}
        aria-controls="column-chooser"
        @click=${() => (this.chooserOpen = !this.chooserOpen)}
      >
        Columns
      </button>
      <div class="export" role="group" aria-label="Export">
        ${(['json', 'csv', 'xlsx'] as const).map(
          (f) => html`<button
            type="button"
            class="tool-button"
            part="export-button"
            data-format=${f}
            ?disabled=${!!this.exporting}
            aria-label=${`Export ${f.toUpperCase()}`}
            @click=${() => this.export(f)}
          >
            ${f.toUpperCase()}
          </button>`,
        )}
      </div>
      ${this.chooserOpen
        ? html`<fieldset class="chooser" id="column-chooser" part="column-chooser" @keydown=${(e: KeyboardEvent) => e.key === 'Escape' && (this.chooserOpen = false)}>
            <legend>Columns</legend>
            ${hideable.map(
              (c) => html`<label
                ><input
                  type="checkbox"
                  name=${c.id}
                  .checked=${this.visibleColumns.includes(c.id)}
                  @change=${(e: Event) => this.toggleColumn(c.id, (e.target as HTMLInputElement).checked)}
                />
                ${groupLabels[c.group]}: ${c.label}</label
              >`,
            )}
          </fieldset>`
        : nothing}
    </div>`;
  }

  private renderHeader(columns: FleetColumn[]): TemplateResult {
    const groups: { group: ColumnGroup; span: number }[] = [];
    for (const c of columns) {
      const last = groups[groups.length - 1];
      if (last && last.group === c.group) last.span++;
      else groups.push({ group: c.group, span: 1 });
    }
    // The checkbox column joins the first band, the actions column the last.
    if (groups[0]) groups[0].span++;
    if (groups.length) groups[groups.length - 1]!.span++;
    let start = 1;
    const allChecked = this.rowsState.length > 0 && this.rowsState.every((r) => this.selected.has(r.id));
    return html`<div role="rowgroup" class="head">
      <div role="row" class="row groups" aria-rowindex="1">
        ${groups.map((g) => {
          const style = { gridColumn: `${start} / span ${g.span}` };
          start += g.span;
          return html`<div role="columnheader" part="group-header" class="band band-${g.group}" aria-colspan=${g.span} ${styleProps(style)}>${groupLabels[g.group]}</div>`;
        })}
      </div>
      <div role="row" class="row cols" aria-rowindex="2">
        <div role="columnheader" part="column-header" aria-colindex="1">
          <input
            type="checkbox"
            part="checkbox"
            aria-label="Select all loaded customers"
            .checked=${allChecked}
            data-r="0"
            data-c="0"
            tabindex=${this.tabindex(0, 0)}
            @change=${(e: Event) => this.toggleAll((e.target as HTMLInputElement).checked)}
          />
        </div>
        ${columns.map((c, i) => {
          const sorted = c.sort && c.sort === this.sort;
          return html`<div
            role="columnheader"
            part="column-header"
            class=${classMap({ sortable: !!c.sort })}
            aria-colindex=${i + 2}
            aria-sort=${sorted ? (this.order === 'asc' ? 'ascending' : 'descending') : c.sort ? 'none' : nothing}
            data-column=${c.id}
            data-r="0"
            data-c=${i + 1}
            tabindex=${this.tabindex(0, i + 1)}
            @click=${() => this.sortBy(c)}
          >
            ${this.compact && c.compactTrack ? html`<span class="visually-hidden">${c.label}</span>` : c.label}${sorted
              ? html`<span class="sort-indicator" aria-hidden="true">${this.order === 'asc' ? '▲' : '▼'}</span>`
              : nothing}
          </div>`;
        })}
        <div role="columnheader" part="column-header" aria-colindex=${columns.length + 2} data-r="0" data-c=${columns.length + 1} tabindex=${this.tabindex(0, columns.length + 1)}>
          <span class="visually-hidden">Actions</span>
        </div>
      </div>
    </div>`;
  }

  private renderCell(c: FleetColumn, row: FleetRowJson): TemplateResult | string {
    const loc = this.locale;
    const lost = row.status === 'connection_lost';
    switch (c.id) {
      case 'name':
        return html`<span class="name">${row.name}</span>${row.parent.name && !this.visibleColumns.includes('parent')
            ? html`<span class="sub">${row.parent.name}</span>`
            : nothing}`;
      case 'parent':
        return row.parent.name ?? '—';
      case 'averageIpPrice':
        return formatMoney(row.averageIpPrice, loc);
      case 'status':
        // Narrow: the coloured dot alone, its label kept for assistive technology and as a tooltip.
        return this.compact
          ? html`<span class="status" part="status" data-status=${row.status} title=${optionLabels[row.status] ?? row.status}
              ><span class="visually-hidden">${optionLabels[row.status] ?? row.status}</span></span
            >`
          : html`<span class="status" part="status" data-status=${row.status}>${optionLabels[row.status] ?? row.status}</span>`;
      case 'tags':
        return row.tags.length ? html`${row.tags.map((t) => html`<span class="tag">${t}</span>`)}` : html`<span class="muted">—</span>`;
      case 'plan':
        return row.plan ? optionLabels[row.plan] ?? row.plan : '—';
      case 'serviceMode':
        return lost ? '—' : optionLabels[row.serviceMode] ?? row.serviceMode;
      case 'paymentMethod':
        return lost ? '—' : optionLabels[row.paymentMethod] ?? row.paymentMethod;
      case 'licences':
        return this.renderMeter(row);
      case 'acv':
        return formatMoney(row.acv, loc, { compact: true });
      case 'renewsAt':
        return formatDate(row.renewsAt, loc);
      case 'posture':
        return this.renderPosture(row);
      case 'lastScan':
        return row.lastScanAt ? html`<time datetime=${row.lastScanAt} title=${formatDate(row.lastScanAt, loc, { dateStyle: 'medium', timeStyle: 'short' })}>${formatRelative(row.lastScanAt, loc)}</time>` : '—';
      case 'openFindings':
        return row.openPriorityFindings == null
          ? '—'
          : html`<span class="findings" ?data-some=${row.openPriorityFindings > 0}>${formatNumber(row.openPriorityFindings, loc)}</span>`;
      default:
        return '—';
    }
  }

  private renderMeter(row: FleetRowJson): TemplateResult | string {
    const l = row.licences;
    if (!l) return '—';
    const loc = this.locale;
    if (l.quota == null || l.model === 'unlimited') return html`<span class="meter-text">${formatNumber(l.used, loc)} · unlimited</span>`;
    const use = l.use ?? (l.quota ? l.used / l.quota : 0);
    const threshold = l.model === 'per_scan' ? 0.8 : 0.9;
    const level = use >= 1 ? 'danger' : use >= threshold ? 'warning' : 'ok';
    const text = `${formatNumber(l.used, loc)} / ${formatNumber(l.quota, loc)}`;
    return html`<div
      class="meter"
      part="meter"
      role="meter"
      aria-label=${`Licence use of ${row.name}`}
      aria-valuemin="0"
      aria-valuemax=${l.quota}
      aria-valuenow=${Math.min(l.used, l.quota)}
      aria-valuetext=${`${text} (${formatPercent(use, loc)})`}
      data-level=${level}
    >
      <span class="meter-text">${text}</span>
      <div class="meter-track"><div class="meter-fill" ${styleProps({ inlineSize: `${Math.min(100, Math.round(use * 100))}%` })}></div></div>
    </div>`;
  }

  private renderPosture(row: FleetRowJson): TemplateResult | string {
    const p = row.posture;
    if (!p) return '—';
    const loc = this.locale;
    const trend = p.trend > 0 ? `+${formatNumber(p.trend, loc)}` : formatNumber(p.trend, loc);
    return html`<span class="posture">
      <span class="score">${formatNumber(p.score, loc)}</span>
      ${sparkline(p.history)}
      <span class=${p.trend > 0 ? 'trend-up' : p.trend < 0 ? 'trend-down' : 'muted'}>
        <span aria-hidden="true">${p.trend > 0 ? '▲' : p.trend < 0 ? '▼' : '▬'}</span>${trend}<span class="visually-hidden"> over 30 days</span>
      </span>
    </span>`;
  }

  private renderRow(row: FleetRowJson, index: number, columns: FleetColumn[]): TemplateResult {
    const r = index + 1;
    const selected = this.selected.has(row.id);
    return html`<div role="row" part="row" class="row" aria-rowindex=${index + 1 + HEADER_ROWS} aria-selected=${selected ? 'true' : 'false'} data-id=${row.id}>
      <div role="gridcell" part="cell" aria-colindex="1">
        <input
          type="checkbox"
          part="checkbox"
          aria-label=${`Select ${row.name}`}
          .checked=${selected}
          data-r=${r}
          data-c="0"
          tabindex=${this.tabindex(r, 0)}
          @change=${(e: Event) => this.toggleRow(row.id, (e.target as HTMLInputElement).checked)}
        />
      </div>
      ${columns.map(
        (c, i) =>
          html`<div role="gridcell" part="cell" aria-colindex=${i + 2} data-column=${c.id} data-r=${r} data-c=${i + 1} tabindex=${this.tabindex(r, i + 1)}>
            ${this.renderCell(c, row)}
          </div>`,
      )}
      <div role="gridcell" part="cell" class="actions-cell" aria-colindex=${columns.length + 2}>
        <button
          type="button"
          class="actions-button"
          part="actions-button"
          aria-haspopup="menu"
          aria-expanded=${this.menu?.customerId === row.id ? 'true' : 'false'}
          aria-label=${`Actions for ${row.name}`}
          data-r=${r}
          data-c=${columns.length + 1}
          tabindex=${this.tabindex(r, columns.length + 1)}
          @click=${(e: Event) => this.openMenu(row, e.currentTarget as HTMLElement)}
        >
          ⋯
        </button>
      </div>
    </div>`;
  }

  private renderBody(columns: FleetColumn[]): TemplateResult {
    if (this.phase === 'error' && this.loadError) return errorState(this.loadError, () => void this.reload());
    if (this.phase !== 'ready') return loadingState('Loading customers…');
    if (this.rowsState.length === 0)
      return emptyState(this.q || Object.keys(this.filters ?? {}).length ? 'No customers match these filters.' : 'No customers yet.');
    return html`${virtualize({
      items: this.rowsState,
      keyFunction: (row: FleetRowJson) => row.id,
      renderItem: (row: FleetRowJson, i: number) => this.renderRow(row, i, columns),
      scroller: true,
    })}`;
  }

  protected override render(): TemplateResult {
    const columns = this.columns;
    // Narrow hosts get shrinkable tracks so the table fits 360 px without sideways scrolling.
    const tracks = [
      '2.5rem',
      ...columns.map((c) => (this.compact && c.compactTrack ? c.compactTrack : `minmax(${this.compact ? 0 : c.min}px, ${c.grow || 0.0001}fr)`)),
      '2.75rem',
    ].join(' ');
    const minWidth = columns.reduce((sum, c) => sum + c.min, 0) + 84;
    const ready = this.phase === 'ready' && this.rowsState.length > 0;
    const rowCount = this.nextCursor ? -1 : this.rowsState.length + HEADER_ROWS;
    return html`${this.renderTotals()} ${this.renderToolbar()}
      <div class="grid" part="grid" ${styleProps({ '--_columns': tracks, '--_min-width': `${this.compact ? 0 : minWidth}px` })}>
        <div
          class="inner"
          role="grid"
          aria-label="Customers"
          aria-multiselectable="true"
          aria-rowcount=${rowCount}
          aria-colcount=${columns.length + 2}
          aria-busy=${this.phase === 'loading' || this.loadingMore ? 'true' : 'false'}
          @keydown=${this.onGridKeydown}
          @focusin=${this.onGridFocusIn}
        >
          ${this.renderHeader(columns)}
          ${ready
            ? !this.nextCursor && this.rowsState.length <= FIT_ROWS
              ? // A short, complete list: plain rows at their own height (a virtualizer's scroll box
                // has a fixed minimum height and would clip or pad them).
                html`<div role="rowgroup" class="body fit">${this.rowsState.map((row, i) => this.renderRow(row, i, columns))}</div>`
              : html`<div role="rowgroup" class="body" @rangeChanged=${this.onRangeChanged}>${this.renderBody(columns)}</div>`
            : html`<div role="rowgroup" class="body-state"><div role="row" class="row"><div role="gridcell" class="full">${this.renderBody(columns)}</div></div></div>`}
        </div>
      </div>
      ${this.loadingMore ? html`<div class="footer" role="status">Loading more customers…</div>` : nothing}
      ${this.menu
        ? html`<div
            class="menu"
            part="actions-menu"
            role="menu"
            aria-label=${`Actions for ${this.menu.name}`}
            ${styleProps({ left: `${this.menu.x}px`, top: `${this.menu.y}px` })}
            @keydown=${this.onMenuKeydown}
          >
            ${this.rowActions.map(
              (a) => html`<button type="button" role="menuitem" tabindex="-1" data-action=${a.action} @click=${() => this.chooseAction(a.action)}>${a.label}</button>`,
            )}
          </div>`
        : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'msp-fleet-table': MspFleetTable;
  }
}

import { consume } from '@lit/context';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ApiClient } from '../core/api-client.js';
import { MspElement } from '../core/base-element.js';
import { apiContext } from '../core/context.js';
import { toApiError, type MspErrorDetail } from '../core/errors.js';
import { formatDate, formatNumber } from '../core/format.js';
import { emptyState, errorState, loadingState } from '../core/states.js';
import styles from './finding-search.styles.js';

export const severityOrder = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof severityOrder)[number];
export type FindingStatus = 'open' | 'resolved' | 'accepted_risk';

/** One finding of a customer group (`GET /v1/search/findings`). */
export interface FindingSearchHit {
  id: string;
  title: string;
  type: string;
  severity: Severity;
  status: FindingStatus;
  asset: { id: string; value: string } | null;
  firstSeenAt: string;
  lastSeenAt: string;
}

export interface FindingSearchGroup {
  id: string;
  name: string;
  matches: number;
  severity: Record<Severity, number>;
  findings: FindingSearchHit[];
}

export interface FindingSearchPage {
  items: FindingSearchGroup[];
  nextCursor: string | null;
  total: { customers: number; findings: number };
  types: { type: string; count: number }[];
}

/** The detail of `msp-finding-customer`: the customer chosen from the results. */
export interface FindingSearchCustomer {
  customerId: string;
  name: string;
}

declare module '../core/base-element.js' {
  interface MspEventMap {
    'msp-finding-customer': FindingSearchCustomer;
  }
}

const severityLabels: Record<Severity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' };
const statusLabels: Record<FindingStatus | 'any', string> = { open: 'Open', resolved: 'Resolved', accepted_risk: 'Accepted risk', any: 'Any status' };
const ageChoices = [
  { value: '', label: 'Any age' },
  { value: '7', label: 'Open 7+ days' },
  { value: '30', label: 'Open 30+ days' },
  { value: '90', label: 'Open 90+ days' },
] as const;

/** "2 critical, 3 high, 1 low": the counts as words, so colour is never the only cue. */
export function severitySummary(counts: Record<Severity, number>, locale: string): string {
  return severityOrder
    .filter((s) => counts[s] > 0)
    .map((s) => `${formatNumber(counts[s], locale)} ${s}`)
    .join(', ');
}

const plural = (n: number, one: string, many: string, locale: string) => `${formatNumber(n, locale)} ${n === 1 ? one : many}`;

/**
 * Searches findings across every customer the session may see and shows them grouped by
 * customer: the worst first, each with its matches by severity and, opened, its worst findings.
 * Free text (every word must occur in the finding's type or title) plus severity, type, status
 * and age filters. Which customers appear is the BFF's (RLS): an account manager sees only its
 * assigned customers, a customer user its own tenant.
 *
 * Needs an `<msp-provider>` ancestor.
 *
 * @summary Cross-customer finding search, grouped by customer.
 *
 * @event {CustomEvent<{customerId, name}>} msp-finding-customer - A customer was chosen ("Open customer"); the host page opens it.
 * @event {CustomEvent<{type, message, status?}>} msp-error - A search failed (also shown inline).
 *
 * @csspart form - The search box and filters.
 * @csspart summary - The "12 findings at 4 customers" line.
 * @csspart group - One customer's result.
 * @csspart findings - A customer's table of findings.
 * @csspart more - The "Load more customers" button.
 * @csspart state - Loading, empty and error boxes.
 */
export class MspFindingSearch extends MspElement {
  static override styles = styles;

  /** The text to search for; typing updates it. */
  @property({ reflect: true }) query = '';

  /** Customers per page (1–100). */
  @property({ type: Number, attribute: 'page-size' }) pageSize = 20;

  /** Milliseconds to wait after the last keystroke before searching. */
  @property({ type: Number }) debounce = 300;

  @consume({ context: apiContext, subscribe: true })
  @state()
  private api: ApiClient | undefined;

  @state() private severities = new Set<Severity>();
  @state() private type = '';
  @state() private status: FindingStatus | 'any' = 'open';
  @state() private age = '';
  @state() private page: FindingSearchPage | undefined;
  @state() private groups: FindingSearchGroup[] = [];
  @state() private phase: 'idle' | 'loading' | 'more' | 'ready' | 'error' = 'idle';
  @state() private loadError: MspErrorDetail | undefined;
  @state() private expanded = new Set<string>();

  private controller: AbortController | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private typed = false;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.controller?.abort();
    clearTimeout(this.timer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // A query set from outside searches at once; typed text waits for the debounce.
    const inputs = changed.has('api' as keyof MspFindingSearch) || changed.has('pageSize') || (changed.has('query') && !this.typed);
    this.typed = false;
    if (inputs && this.api) void this.search();
  }

  /**
   * Whether there is anything to search for. Without text or a filter the element waits: the
   * whole fleet's open findings is not a question anyone asks, and it is the slowest one.
   */
  private hasCriteria(): boolean {
    return this.query.trim() !== '' || this.severities.size > 0 || this.type !== '' || this.age !== '' || this.status !== 'open';
  }

  /** The query string of the current text and filters. */
  private params(cursor?: string): URLSearchParams {
    const p = new URLSearchParams();
    const q = this.query.trim();
    if (q) p.set('q', q);
    if (this.severities.size) p.set('severity', severityOrder.filter((s) => this.severities.has(s)).join(','));
    if (this.type) p.set('type', this.type);
    p.set('status', this.status === 'any' ? 'open,resolved,accepted_risk' : this.status);
    if (this.age) p.set('olderThanDays', this.age);
    p.set('limit', String(Math.min(100, Math.max(1, Math.trunc(this.pageSize) || 20))));
    if (cursor) p.set('cursor', cursor);
    return p;
  }

  /** Runs the search now (from the first page), cancelling one in flight. */
  async search(): Promise<void> {
    clearTimeout(this.timer);
    await this.load();
  }

  private async load(cursor?: string): Promise<void> {
    const api = this.api;
    if (!api) return;
    this.controller?.abort();
    if (!this.hasCriteria()) {
      this.page = undefined;
      this.groups = [];
      this.phase = 'idle';
      return;
    }
    const controller = new AbortController();
    this.controller = controller;
    this.phase = cursor ? 'more' : 'loading';
    this.loadError = undefined;
    try {
      const page = await api.json<FindingSearchPage>('/v1/search/findings', { query: this.params(cursor), signal: controller.signal });
      if (controller.signal.aborted) return;
      this.page = page;
      this.groups = cursor ? [...this.groups, ...page.items] : page.items;
      if (!cursor) this.expanded = new Set();
      this.phase = 'ready';
    } catch (error) {
      if (controller.signal.aborted) return;
      const e = toApiError(error);
      this.phase = 'error';
      this.loadError = e.detail;
      this.emit('msp-error', e.detail);
    }
  }

  private onInput(event: Event): void {
    this.typed = true;
    this.query = (event.target as HTMLInputElement).value;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.load(), this.debounce);
  }

  private onSubmit(event: Event): void {
    event.preventDefault();
    void this.search();
  }

  private toggleSeverity(severity: Severity, on: boolean): void {
    const next = new Set(this.severities);
    if (on) next.add(severity);
    else next.delete(severity);
    this.severities = next;
    void this.search();
  }

  private toggleGroup(id: string): void {
    const next = new Set(this.expanded);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.expanded = next;
  }

  private openCustomer(group: FindingSearchGroup): void {
    this.emit('msp-finding-customer', { customerId: group.id, name: group.name });
  }

  private renderForm(): TemplateResult {
    const types = this.page?.types ?? [];
    const typeChoices = this.type && !types.some((t) => t.type === this.type) ? [...types, { type: this.type, count: 0 }] : types;
    return html`<form part="form" role="search" aria-label="Finding search" @submit=${this.onSubmit}>
      <div class="query">
        <label for="q">Search findings</label>
        <input
          id="q"
          type="search"
          autocomplete="off"
          spellcheck="false"
          maxlength="200"
          placeholder="e.g. legacy smtp, openssh, expired certificate"
          .value=${this.query}
          @input=${this.onInput}
        />
        <button class="button" type="submit">Search</button>
      </div>
      <div class="filters">
        <fieldset>
          <legend>Severity</legend>
          ${severityOrder.map(
            (s) => html`<label class="check" data-severity=${s}
              ><input type="checkbox" .checked=${this.severities.has(s)} @change=${(e: Event) => this.toggleSeverity(s, (e.target as HTMLInputElement).checked)} /><span
                class="dot"
                aria-hidden="true"
              ></span
              >${severityLabels[s]}</label
            >`,
          )}
        </fieldset>
        <label class="field"
          >Type
          <select
            @change=${(e: Event) => {
              this.type = (e.target as HTMLSelectElement).value;
              void this.search();
            }}
          >
            <option value="" ?selected=${!this.type}>All types</option>
            ${typeChoices.map((t) => html`<option value=${t.type} ?selected=${t.type === this.type}>${t.type} (${formatNumber(t.count, this.locale)})</option>`)}
          </select></label
        >
        <label class="field"
          >Status
          <select
            @change=${(e: Event) => {
              this.status = (e.target as HTMLSelectElement).value as FindingStatus | 'any';
              void this.search();
            }}
          >
            ${(Object.keys(statusLabels) as (FindingStatus | 'any')[]).map((s) => html`<option value=${s} ?selected=${s === this.status}>${statusLabels[s]}</option>`)}
          </select></label
        >
        <label class="field"
          >Age
          <select
            @change=${(e: Event) => {
              this.age = (e.target as HTMLSelectElement).value;
              void this.search();
            }}
          >
            ${ageChoices.map((a) => html`<option value=${a.value} ?selected=${a.value === this.age}>${a.label}</option>`)}
          </select></label
        >
      </div>
    </form>`;
  }

  private renderFindings(group: FindingSearchGroup): TemplateResult {
    const loc = this.locale;
    return html`<div class="table-scroll" id=${`g-${group.id}`}>
      <table part="findings">
        <caption class="visually-hidden">Worst matching findings of ${group.name}</caption>
        <thead>
          <tr>
            <th scope="col">Severity</th>
            <th scope="col">Finding</th>
            <th scope="col">Asset</th>
            <th scope="col">Status</th>
            <th scope="col">First seen</th>
            <th scope="col">Last seen</th>
          </tr>
        </thead>
        <tbody>
          ${group.findings.map(
            (f) => html`<tr>
              <td data-severity=${f.severity}><span class="dot" aria-hidden="true"></span>${severityLabels[f.severity]}</td>
              <td><span class="title">${f.title}</span> <span class="type">${f.type}</span></td>
              <td class="asset">${f.asset?.value ?? '—'}</td>
              <td>${statusLabels[f.status]}</td>
              <td>${formatDate(f.firstSeenAt, loc)}</td>
              <td>${formatDate(f.lastSeenAt, loc)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      ${group.matches > group.findings.length
        ? html`<p class="note">
            Showing the worst ${formatNumber(group.findings.length, loc)} of ${plural(group.matches, 'match', 'matches', loc)}; open the customer for
            all.
          </p>`
        : nothing}
    </div>`;
  }

  private renderGroup(group: FindingSearchGroup): TemplateResult {
    const open = this.expanded.has(group.id);
    const loc = this.locale;
    const worst = severityOrder.find((s) => group.severity[s] > 0) ?? 'info';
    return html`<li class="group" part="group" data-worst=${worst}>
      <div class="group-head">
        <button type="button" class="toggle" aria-expanded=${open ? 'true' : 'false'} aria-controls=${`g-${group.id}`} @click=${() => this.toggleGroup(group.id)}>
          <span class="chevron" aria-hidden="true">${open ? '▾' : '▸'}</span>
          <span class="name">${group.name}</span>
          <span class="count">${plural(group.matches, 'finding', 'findings', loc)}</span>
        </button>
        <ul class="severities" aria-label=${`${group.name}: by severity`}>
          ${severityOrder
            .filter((s) => group.severity[s] > 0)
            .map((s) => html`<li data-severity=${s}><span class="dot" aria-hidden="true"></span>${formatNumber(group.severity[s], loc)} ${s}</li>`)}
        </ul>
        <button type="button" class="button secondary open" @click=${() => this.openCustomer(group)}>
          Open customer<span class="visually-hidden"> ${group.name}</span>
        </button>
      </div>
      ${open ? this.renderFindings(group) : nothing}
    </li>`;
  }

  private renderResults(): TemplateResult {
    if (this.phase === 'error' && this.loadError && this.groups.length === 0) return errorState(this.loadError, () => void this.search());
    if (this.phase === 'idle' || (!this.page && this.phase !== 'loading')) {
      return emptyState('Type what to look for — a product, a CVE, a misconfiguration — or choose a filter.');
    }
    if (!this.page || (this.phase === 'loading' && this.groups.length === 0)) return loadingState('Searching findings…');
    const loc = this.locale;
    const { total } = this.page;
    if (this.groups.length === 0) {
      return emptyState(this.query.trim() ? `No ${this.status === 'any' ? '' : `${statusLabels[this.status].toLowerCase()} `}findings match “${this.query.trim()}”.` : 'No findings match these filters.');
    }
    return html`<ul class="groups" aria-label="Customers with matching findings" aria-busy=${this.phase === 'loading' ? 'true' : 'false'}>
        ${this.groups.map((g) => this.renderGroup(g))}
      </ul>
      ${this.phase === 'error' && this.loadError ? errorState(this.loadError, () => void this.load(this.page?.nextCursor ?? undefined)) : nothing}
      ${this.page.nextCursor
        ? html`<button part="more" class="button secondary more" type="button" ?disabled=${this.phase === 'more'} @click=${() => void this.load(this.page?.nextCursor ?? undefined)}>
            ${this.phase === 'more' ? 'Loading…' : `Load more customers (${formatNumber(this.groups.length, loc)} of ${formatNumber(total.customers, loc)} shown)`}
          </button>`
        : nothing}`;
  }

  protected override render(): TemplateResult {
    const total = this.page?.total;
    const loc = this.locale;
    const summary =
      this.phase === 'loading' ? 'Searching…'
      : total ? `${plural(total.findings, 'finding', 'findings', loc)} at ${plural(total.customers, 'customer', 'customers', loc)}`
      : '';
    return html`${this.renderForm()}
      <p class="summary" part="summary" role="status" aria-live="polite">${summary}</p>
      ${this.renderResults()}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'msp-finding-search': MspFindingSearch;
  }
}

/**
 * Read-only sections of `<msp-customer-detail>` as plain template functions: they take what the
 * element loaded and its locale, and hold no state of their own.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { ActivityEntry, Customer, CustomerUsage, CustomerUser, InviteSent } from '../core/api-types.js';
import { formatDate, formatMoney, formatNumber, formatRelative } from '../core/format.js';
import { severityLabels, valueLabels } from './labels.js';

const label = (value: string | null | undefined) => (value ? valueLabels[value] ?? value : '—');
const dateTime = (iso: string | null | undefined, locale: string) => formatDate(iso, locale, { dateStyle: 'medium', timeStyle: 'short' });

function item(term: string, value: TemplateResult | string): TemplateResult {
  return html`<div class="field"><dt>${term}</dt><dd>${value}</dd></div>`;
}

export function addressLines(c: Customer): string[] {
  const a = c.address;
  return [a.line1, a.line2, [a.postalCode, a.city].filter(Boolean).join(' '), [a.state, a.country].filter(Boolean).join(', ')].filter((l): l is string => !!l);
}

export function renderOverview(c: Customer, locale: string): TemplateResult {
  const accountType = 'accountType' in c && typeof c.accountType === 'string' ? c.accountType : c.kind;
  const lines = addressLines(c);
  return html`<section aria-labelledby="overview-commercial">
      <h3 id="overview-commercial">Commercial</h3>
      <dl class="fields" part="fields">
        ${item('Plan', label(c.plan))}
        ${c.trialEndsAt ? item('Trial ends', formatDate(c.trialEndsAt, locale)) : nothing}
        ${item('Annual contract value (ACV)', formatMoney(c.acv, locale))} ${item('Monthly price (MRR)', formatMoney(c.monthlyPrice, locale))}
        ${item('Renewal date', formatDate(c.renewsAt, locale))} ${item('Payment method', label(c.paymentMethod))}
        ${item('Average IP price', formatMoney(c.averageIpPrice, locale))} ${item('Service mode', label(c.serviceMode))}
        ${item('Access delegation', label(c.accessDelegation))}
      </dl>
    </section>
    <section aria-labelledby="overview-company">
      <h3 id="overview-company">Company</h3>
      <dl class="fields" part="fields">
        ${item('Account type', label(accountType))}
        ${item('Address', lines.length ? html`${lines.map((l, i) => html`${i ? html`<br />` : nothing}${l}`)}` : '—')} ${item('VAT ID', c.vatId ?? '—')}
        ${item('Partner', c.parent.name ?? '—')} ${item('Main user', c.mainUser ? `${c.mainUser.name} <${c.mainUser.email}>` : '—')}
        ${item('Tags', c.tags.length ? c.tags.join(', ') : '—')}
      </dl>
    </section>`;
}

/** Posture history labels: one day each, the last being today. */
export function historyDays(length: number, locale: string, today = new Date()): string[] {
  return Array.from({ length }, (_, i) => {
    const d = new Date(today);
    d.setDate(d.getDate() - (length - 1 - i));
    return formatDate(d.toISOString(), locale, { day: 'numeric', month: 'short' });
  });
}

export function renderSecurity(c: Customer, locale: string): TemplateResult {
  const p = c.posture;
  const findings = c.openFindings;
  const days = p ? historyDays(p.history.length, locale) : [];
  const trend = p ? (p.trend > 0 ? `+${formatNumber(p.trend, locale)}` : formatNumber(p.trend, locale)) : '';
  return html`<div class="cards">
      <section class="card" aria-labelledby="security-posture">
        <h3 id="security-posture">Posture score</h3>
        ${p
          ? html`<p class="big">${formatNumber(p.score, locale)}<span class="muted"> / 100</span></p>
              <p class=${p.trend > 0 ? 'trend-up' : p.trend < 0 ? 'trend-down' : 'muted'}>
                <span aria-hidden="true">${p.trend > 0 ? '▲' : p.trend < 0 ? '▼' : '▬'}</span> ${trend} over 30 days
              </p>`
          : html`<p class="muted">No score yet.</p>`}
      </section>
      <section class="card" aria-labelledby="security-findings">
        <h3 id="security-findings">Open priority findings</h3>
        <p class="big">${formatNumber(c.openPriorityFindings, locale)}</p>
        ${findings
          ? html`<ul class="severities" part="severities">
              ${(Object.keys(severityLabels) as (keyof typeof severityLabels)[]).map(
                (s) => html`<li data-severity=${s}><span class="dot" aria-hidden="true"></span>${severityLabels[s]} <strong>${formatNumber(findings[s] ?? 0, locale)}</strong></li>`,
              )}
            </ul>`
          : nothing}
      </section>
      <section class="card" aria-labelledby="security-scan">
        <h3 id="security-scan">Last scan</h3>
        <p class="big-text">${c.lastScanAt ? html`<time datetime=${c.lastScanAt}>${formatRelative(c.lastScanAt, locale)}</time>` : 'Never'}</p>
        <p class="muted">${c.lastScanAt ? dateTime(c.lastScanAt, locale) : nothing}</p>
      </section>
    </div>
    ${p && p.history.length > 1
      ? html`<figure class="chart-card" part="chart">
          <figcaption id="posture-caption">Posture score, last ${p.history.length} days</figcaption>
          <div class="chart-box">
            <canvas data-chart="posture" role="img" aria-label=${`Posture score from ${p.history[0]} to ${p.history[p.history.length - 1]} over ${p.history.length} days`}></canvas>
          </div>
          <details>
            <summary>Show the scores as a table</summary>
            <table>
              <caption class="visually-hidden">Daily posture score</caption>
              <thead><tr><th scope="col">Day</th><th scope="col">Score</th></tr></thead>
              <tbody>${p.history.map((v, i) => html`<tr><th scope="row">${days[i]}</th><td>${formatNumber(v, locale)}</td></tr>`)}</tbody>
            </table>
          </details>
        </figure>`
      : nothing}`;
}

/** One product's chart caption, also the canvas' text alternative. */
export function usageSummary(p: CustomerUsage['products'][number], locale: string): string {
  const peak = p.days.reduce((best, d) => (d.scans > best.scans ? d : best), p.days[0] ?? { day: '', scans: 0 });
  return `${p.label}: ${formatNumber(p.total, locale)} ${p.total === 1 ? 'scan' : 'scans'}${peak.scans > 0 ? `, most on ${formatDate(peak.day, locale)} (${formatNumber(peak.scans, locale)})` : ''}`;
}

export function renderUsageTable(usage: CustomerUsage, locale: string): TemplateResult {
  const days = usage.products[0]?.days ?? [];
  return html`<details part="usage-table">
    <summary>Show the usage as a table</summary>
    <div class="table-scroll">
      <table>
        <caption class="visually-hidden">Scans per day and product</caption>
        <thead>
          <tr><th scope="col">Day</th>${usage.products.map((p) => html`<th scope="col">${p.label}</th>`)}</tr>
        </thead>
        <tbody>
          ${days.map(
            (d, i) => html`<tr><th scope="row">${formatDate(d.day, locale)}</th>${usage.products.map((p) => html`<td>${formatNumber(p.days[i]?.scans ?? 0, locale)}</td>`)}</tr>`,
          )}
        </tbody>
        <tfoot>
          <tr><th scope="row">Total</th>${usage.products.map((p) => html`<td>${formatNumber(p.total, locale)}</td>`)}</tr>
        </tfoot>
      </table>
    </div>
  </details>`;
}

export type InviteOutcome = { ok: true; sent: InviteSent } | { ok: false; message: string };

function inviteState(u: CustomerUser, locale: string): string {
  const inv = u.invite;
  if (!inv) return '—';
  if (inv.acceptedAt) return `Accepted ${formatDate(inv.acceptedAt, locale)}`;
  if (inv.expired) return `Expired ${formatDate(inv.expiresAt, locale)}`;
  return `Pending, expires ${dateTime(inv.expiresAt, locale)}`;
}

/** Users with an invite that was never accepted can get a new link. */
export const canResend = (u: CustomerUser) => !!u.invite && !u.invite.acceptedAt;

export function renderUsers(
  users: readonly CustomerUser[],
  locale: string,
  opts: { canManage: boolean; sending: ReadonlySet<string>; outcomes: ReadonlyMap<string, InviteOutcome>; resend: (u: CustomerUser) => void },
): TemplateResult {
  return html`<div class="table-scroll">
    <table class="users" part="users">
      <caption class="visually-hidden">Users of this customer</caption>
      <thead>
        <tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Roles</th><th scope="col">Invite</th>${opts.canManage ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : nothing}</tr>
      </thead>
      <tbody>
        ${users.map((u) => {
          const outcome = opts.outcomes.get(u.id);
          return html`<tr data-user=${u.id}>
            <th scope="row"><span class="name">${u.name}</span>${u.isMainUser ? html` <span class="pill" part="pill">Main user</span>` : nothing}<span class="sub">${u.email}</span></th>
            <td><span class="status" data-status=${u.status}>${label(u.status)}</span></td>
            <td>${u.roles.length ? u.roles.map((r) => r.replaceAll('_', ' ')).join(', ') : '—'}</td>
            <td>
              ${inviteState(u, locale)}${u.invite && u.invite.sentCount > 1 ? html`<span class="sub">sent ${formatNumber(u.invite.sentCount, locale)} times</span>` : nothing}
              ${outcome
                ? html`<span class="sub outcome" data-ok=${outcome.ok ? 'true' : 'false'}
                    >${outcome.ok ? `New invite sent to ${outcome.sent.email}; expires ${dateTime(outcome.sent.expiresAt, locale)}.` : outcome.message}</span
                  >`
                : nothing}
            </td>
            ${opts.canManage
              ? html`<td>
                  ${canResend(u)
                    ? html`<button type="button" class="button" part="button" data-resend=${u.id} ?disabled=${opts.sending.has(u.id)} aria-label=${`Re-send invite to ${u.name}`} @click=${() => opts.resend(u)}>
                        ${opts.sending.has(u.id) ? 'Sending…' : 'Re-send invite'}
                      </button>`
                    : nothing}
                </td>`
              : nothing}
          </tr>`;
        })}
      </tbody>
    </table>
  </div>`;
}

/** "status: active → locked" for the keys an audit entry changed. */
export function changeSummary(before: unknown, after: unknown): string {
  const b = (before && typeof before === 'object' ? before : {}) as Record<string, unknown>;
  const a = (after && typeof after === 'object' ? after : {}) as Record<string, unknown>;
  const show = (v: unknown) => (v == null ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  return [...new Set([...Object.keys(b), ...Object.keys(a)])]
    .filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
    .slice(0, 4)
    .map((k) => `${k}: ${show(b[k])} → ${show(a[k])}`)
    .join('; ');
}

/** What an audit action id means, in words; ids without an entry are shown as they are. */
const actionLabels: Record<string, string> = {
  'customer.create': 'Customer created',
  'customer.edit': 'Details edited',
  'customer.change_main_user': 'Main user changed',
  'customer.lock': 'Customer locked',
  'customer.unlock': 'Customer unlocked',
  'customer.cancel': 'Subscription cancelled',
  'customer.reactivate': 'Subscription reactivated',
  'customer.convert_to_managed': 'Converted to managed',
  'customer.convert_to_purchased': 'Trial converted to purchased',
  'customer.delete': 'Deletion requested',
  'user.invite': 'User invited',
  'user.invite_resent': 'Invitation re-sent',
  'user.invite_accepted': 'Invitation accepted',
  'asset.create': 'Asset added',
  'embed_session.create': 'Signed in to the portal',
  'fleet.export': 'Fleet exported',
  'preference.update': 'Preference saved',
};

export const actionLabel = (action: string): string => actionLabels[action] ?? action;

export function renderActivity(items: readonly ActivityEntry[], locale: string): TemplateResult {
  return html`<ol class="activity" part="activity">
    ${items.map((e) => {
      const changes = changeSummary(e.before, e.after);
      return html`<li data-entry=${e.id} tabindex="-1">
        <time datetime=${e.at}>${dateTime(e.at, locale)}</time>
        <span><strong title=${e.action}>${actionLabel(e.action)}</strong> by ${e.actor.name ?? 'system'} <span class="muted">(${e.actor.role.replaceAll('_', ' ')})</span></span>
        ${changes ? html`<span class="sub">${changes}</span>` : nothing}
      </li>`;
    })}
  </ol>`;
}

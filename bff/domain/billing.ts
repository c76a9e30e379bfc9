/**
 * Billing: periods, proration and invoice lines. Pure functions — the clock and the database are
 * the caller's — so any past period can be recomputed exactly from the subscription's
 * append-only events and the seller's append-only price versions.
 *
 * Periods are computed in the MSP's IANA time zone and begin at local midnight:
 * - MSSP partnerships: the 26th of the previous month through the 25th (end = the 26th, 00:00);
 * - reseller partnerships: the calendar month.
 * A period is labelled `YYYY-MM` by the month it ends in (for a reseller, simply its month).
 */
import { divHalfEven } from './money.js';
import { graduatedPrice, unitCostTiers, type Tier } from './pricing.js';
import { localDate, startOfLocalDay } from './zoned-date.js';

export type Partnership = 'mssp' | 'reseller';

/** A billing period: ISO instants, `end` exclusive, `label` `YYYY-MM`. */
export interface Period { start: string; end: string; label: string }

/** The local day of the month an MSSP period begins on. */
const msspFirstDay = 26;

function periodOfMonth(year: number, month: number, partnership: Partnership, timeZone: string): Period {
  const startDay = partnership === 'mssp' ? msspFirstDay : 1;
  const startMonth = partnership === 'mssp' ? month - 1 : month;
  const label = new Date(Date.UTC(year, month - 1, 1)).toISOString().slice(0, 7);
  return {
    start: startOfLocalDay({ year, month: startMonth, day: startDay }, timeZone).toISOString(),
    end: startOfLocalDay({ year, month: startMonth + 1, day: startDay }, timeZone).toISOString(),
    label,
  };
}

/** The billing period `at` falls in. */
export function periodContaining(at: Date, partnership: Partnership, timeZone: string): Period {
  const { year, month, day } = localDate(at, timeZone);
  const endsNextMonth = partnership === 'mssp' && day >= msspFirstDay;
  return periodOfMonth(year, endsNextMonth ? month + 1 : month, partnership, timeZone);
}

/** The period labelled `YYYY-MM` (for MSSP: the one ending on that month's 25th). */
export function periodForLabel(label: string, partnership: Partnership, timeZone: string): Period {
  const match = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(label);
  if (!match) throw new RangeError(`${label} is not a period label (YYYY-MM)`);
  return periodOfMonth(Number(match[1]), Number(match[2]), partnership, timeZone);
}

/** The period right after `p`: it starts where `p` ends. */
export function nextPeriod(p: Period, partnership: Partnership, timeZone: string): Period {
  return periodContaining(new Date(p.end), partnership, timeZone);
}

/** When a decrease requested at `at` takes effect: the end of the booking month (period) it falls in. */
export function bookingMonthEnd(at: Date, partnership: Partnership, timeZone: string): Date {
  return new Date(periodContaining(at, partnership, timeZone).end);
}

/**
 * The share of `amountMinor` (a full-period amount) for the time `activeStart`–`activeEnd`
 * spends inside `period`, by elapsed milliseconds.
 *
 * Rounding telescopes so the parts of a split period always add up to the whole: the amount
 * accrued from the period start up to instant t is `round(amount × elapsed(t) / length)`
 * (half-even), and a stretch gets the difference between that figure at its end and at its
 * start. Any set of stretches that tile the period therefore sums to exactly `amountMinor`, and
 * each stretch is within one minor unit of its exact share: the guarantee of a largest-remainder
 * split, without each call needing to know the other stretches.
 */
export function prorate(amountMinor: number, activeStart: Date, activeEnd: Date, period: Period): number {
  const start = Date.parse(period.start);
  const length = Date.parse(period.end) - start;
  const clamp = (t: number) => Math.min(Math.max(t - start, 0), length);
  const from = clamp(activeStart.getTime());
  const to = clamp(activeEnd.getTime());
  if (to <= from) return 0;
  const accrued = (elapsed: number) => divHalfEven(BigInt(amountMinor) * BigInt(elapsed), length);
  return accrued(to) - accrued(from);
}

/** A subscription's plan: a trial is free; only purchased time is billed. */
export type Plan = 'trial' | 'purchased';

/**
 * One dated change of a subscription, as appended (never edited) by the BFF:
 * - `started` / `reactivated`: active from `at`, with the IPs given (a reactivation without IPs
 *   keeps the ones it had); `started` records the plan it began on (`plan`; without one it reads
 *   as purchased — events stored before the plan was recorded, see the query that loads them);
 * - `converted_to_purchased`: a trial is purchased from `at` on, keeping its IPs;
 * - `ips_changed`: the IPs given apply from `at` (increases, and split changes that keep the total);
 * - `ips_decrease_scheduled`: the IPs given apply from `effectiveAt` (required: the booking-month
 *   end when it was requested), unless cancelled or superseded first;
 * - `ips_decrease_cancelled`: drops the pending decrease (only the one with this `ref`, if given);
 * - `cancelled`: inactive from `at`; a pending decrease dies with the subscription.
 * A later `ips_changed` or `ips_decrease_scheduled` replaces a pending decrease: the quota last
 * asked for is the one that holds.
 */
export interface SubscriptionEvent {
  at: string;
  kind: 'started' | 'converted_to_purchased' | 'ips_changed' | 'ips_decrease_scheduled' | 'ips_decrease_cancelled' | 'cancelled' | 'reactivated';
  /** The plan from `at` on: set by `started` (default purchased) and `converted_to_purchased`. */
  plan?: Plan;
  ipsInternal?: number;
  ipsExternal?: number;
  effectiveAt?: string;
  ref?: string;
}

/** A decrease waiting for its booking month to end. */
export interface PendingDecrease { internal: number; external: number; effectiveAt: string; ref?: string }

/** Where a subscription stands at one instant. */
export interface SubscriptionState { active: boolean; plan: Plan; internal: number; external: number; pending: PendingDecrease | null }

/** A state and the instant it began. */
interface Change { at: number; state: SubscriptionState }

function pendingOf(e: SubscriptionEvent, state: SubscriptionState): PendingDecrease {
  if (e.effectiveAt === undefined) throw new RangeError(`the decrease scheduled at ${e.at} has no effectiveAt`);
  return {
    internal: e.ipsInternal ?? state.internal,
    external: e.ipsExternal ?? state.external,
    effectiveAt: e.effectiveAt,
    ...(e.ref === undefined ? {} : { ref: e.ref }),
  };
}

/** The state after one event. */
function apply(state: SubscriptionState, e: SubscriptionEvent): SubscriptionState {
  const ips = { internal: e.ipsInternal ?? state.internal, external: e.ipsExternal ?? state.external };
  switch (e.kind) {
    case 'started':
      return { active: true, plan: e.plan ?? 'purchased', ...ips, pending: null };
    case 'reactivated':
      return { ...state, active: true, plan: e.plan ?? state.plan, ...ips, pending: null };
    case 'converted_to_purchased':
      return { ...state, plan: 'purchased', ...ips };
    case 'ips_changed':
      return { ...state, ...ips, pending: null };
    case 'ips_decrease_scheduled':
      return { ...state, pending: pendingOf(e, state) };
    case 'ips_decrease_cancelled':
      return state.pending && (e.ref === undefined || e.ref === state.pending.ref) ? { ...state, pending: null } : state;
    case 'cancelled':
      return { ...state, active: false, pending: null };
  }
}

/**
 * Replays `events` (in time order; equal instants keep their given order) up to `until`
 * (exclusive) and returns every state with the instant it began. A pending decrease applies at
 * `takesEffect(pending, scheduledAt)` — the caller's rule for when that is.
 */
function replay(events: SubscriptionEvent[], until: number, takesEffect: (p: PendingDecrease, scheduledAt: number) => number): Change[] {
  const sorted = events.map((e, i) => ({ e, i, at: Date.parse(e.at) })).sort((a, b) => a.at - b.at || a.i - b.i);
  let state: SubscriptionState = { active: false, plan: 'purchased', internal: 0, external: 0, pending: null };
  let scheduledAt = 0;
  const changes: Change[] = [{ at: -Infinity, state }];
  const applyDue = (t: number) => {
    if (!state.pending) return;
    // Never before it was asked for, whatever the stored effectiveAt says.
    const effective = Math.max(takesEffect(state.pending, scheduledAt), scheduledAt);
    if (effective > t) return;
    state = { ...state, internal: state.pending.internal, external: state.pending.external, pending: null };
    changes.push({ at: effective, state });
  };
  for (const { e, at } of sorted) {
    if (at >= until) break;
    applyDue(at);
    state = apply(state, e);
    if (e.kind === 'ips_decrease_scheduled') scheduledAt = at;
    changes.push({ at, state });
  }
  applyDue(until - 1);
  return changes;
}

/**
 * The subscription's state at instant `at`, events up to and including `at` counted: pending
 * decreases whose `effectiveAt` has passed are applied, so reads need no job to apply them.
 */
export function subscriptionStateAt(events: SubscriptionEvent[], at: Date): SubscriptionState {
  const changes = replay(events, at.getTime() + 1, (p) => Date.parse(p.effectiveAt));
  return changes[changes.length - 1]!.state;
}

/** One line of an invoice: a customer's IPs over a stretch of a period, with price and cost. */
export interface InvoiceLine { customerId: string; description: string; from: string; to: string; ips: number; amountMinor: number; costMinor: number }

/**
 * One saved version of a seller's price tables: it prices from `validFrom` until the next
 * version's `validFrom`. Saving new tables appends a version; none is ever edited, so a past
 * period keeps the prices of its time.
 */
export interface PriceVersion { validFrom: string; sell: Tier[]; cost: Tier[]; prepaidDiscountBps?: number }

export interface InvoiceInput {
  customerId: string;
  customerName: string;
  events: SubscriptionEvent[];
  period: Period;
  /**
   * The seller's price versions (any order; of two with one `validFrom`, the later in the array
   * wins). Time before the first version is not billed: nothing had a price then.
   */
  prices: PriceVersion[];
  /** Units across the MSP's whole portfolio for this period: they pick the volume band of the cost. */
  portfolioUnits: number;
}

/** A stretch of the period with constant IPs while the subscription is active. */
interface Stretch { from: number; to: number; internal: number; external: number }

/**
 * The billed stretches of constant IPs inside `period`: active and purchased — a trial stretch
 * is free and yields no line, so a trial converted mid-period is billed from the conversion
 * instant on. A decrease is in force in a period only
 * if it was requested in an earlier period and took effect by this one's start: one requested
 * during the period cannot take effect before the period ends, whatever its `effectiveAt` says.
 */
function stretches(events: SubscriptionEvent[], period: Period): Stretch[] {
  const start = Date.parse(period.start);
  const end = Date.parse(period.end);
  const changes = replay(events, end, (p, scheduledAt) => {
    const effective = Date.parse(p.effectiveAt);
    return scheduledAt < start && effective <= start ? effective : Infinity;
  });
  const result: Stretch[] = [];
  changes.forEach((change, i) => {
    const from = Math.max(change.at, start);
    const to = Math.min(changes[i + 1]?.at ?? end, end);
    const { active, plan, internal, external } = change.state;
    if (to <= from || !active || plan !== 'purchased' || internal + external === 0) return;
    const previous = result[result.length - 1];
    if (previous && previous.to === from && previous.internal === internal && previous.external === external) previous.to = to;
    else result.push({ from, to, internal, external });
  });
  return result;
}

/** A stretch priced by one version: the monthly price and cost of its IPs. */
interface Piece extends Stretch { priceMinor: number; costMinor: number }

/**
 * Splits each stretch where another price version takes over and prices every part with the
 * version in force at its start. Adjacent parts that come out at the same IPs, price and cost
 * (a save that changed nothing these IPs pay) stay one.
 */
function priced(list: Stretch[], prices: PriceVersion[], portfolioUnits: number): Piece[] {
  const versions = prices
    .map((v, i) => ({ v, i, at: Date.parse(v.validFrom) }))
    .sort((a, b) => a.at - b.at || a.i - b.i)
    .map(({ v, at }) => ({
      at,
      sell: v.sell,
      cost: unitCostTiers(v.cost, { portfolioUnits, ...(v.prepaidDiscountBps === undefined ? {} : { prepaidDiscountBps: v.prepaidDiscountBps }) }),
    }));
  const pieces: Piece[] = [];
  for (const s of list) {
    const cuts = [s.from, ...versions.map((v) => v.at).filter((at) => at > s.from && at < s.to), s.to];
    for (let k = 1; k < cuts.length; k++) {
      const from = cuts[k - 1]!;
      const to = cuts[k]!;
      const version = versions.findLast((v) => v.at <= from);
      if (!version || to <= from) continue;
      const ips = s.internal + s.external;
      const piece = { ...s, from, to, priceMinor: graduatedPrice(version.sell, ips).totalMinor, costMinor: graduatedPrice(version.cost, ips).totalMinor };
      const previous = pieces[pieces.length - 1];
      const same = previous && previous.to === from && previous.internal === piece.internal && previous.external === piece.external &&
        previous.priceMinor === piece.priceMinor && previous.costMinor === piece.costMinor;
      if (same) previous.to = to;
      else pieces.push(piece);
    }
  }
  return pieces;
}

/**
 * The invoice lines of one customer for one period: one per stretch of constant IPs and prices,
 * each priced at the monthly graduated price (and cost) of its IPs under the price version in
 * force then, prorated to the stretch. A customer added, converted from a trial, changed or cancelled mid-period is
 * thereby billed for exactly its time; a price change mid-period splits the line at the change,
 * and a full period of constant IPs and prices bills exactly the monthly price. Prices saved
 * after a period never change its lines.
 */
export function invoiceLines(input: InvoiceInput): InvoiceLine[] {
  const full = Date.parse(input.period.end) - Date.parse(input.period.start);
  return priced(stretches(input.events, input.period), input.prices, input.portfolioUnits).map((s) => {
    const ips = s.internal + s.external;
    const from = new Date(s.from);
    const to = new Date(s.to);
    const partial = s.to - s.from < full ? ', prorated' : '';
    return {
      customerId: input.customerId,
      description: `${input.customerName}: ${ips} IPs (${s.internal} internal, ${s.external} external)${partial}`,
      from: from.toISOString(),
      to: to.toISOString(),
      ips,
      amountMinor: prorate(s.priceMinor, from, to, input.period),
      costMinor: prorate(s.costMinor, from, to, input.period),
    };
  });
}

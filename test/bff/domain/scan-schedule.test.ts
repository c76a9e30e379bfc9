import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { addDays, daysBetween, isoWeekday, zonedInstant } from '../../../bff/domain/report-schedule.js';
import { localTime, nextScanRun, upcomingScanRuns, zoneOf, type ScanScheduleFields } from '../../../bff/domain/scan-schedule.js';
import { localDate, wallClock } from '../../../bff/domain/zoned-date.js';

/**
 * Slots of scan schedules: daily, weekly and monthly at a local start time, in the schedule's
 * zone or the customer's, across zones with daylight saving both ways, a half-hour offset and
 * none; upcoming runs are strictly increasing and each the next slot after the one before.
 */

const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata'] as const;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const schedules = fc.record({
  frequency: fc.constantFrom('daily' as const, 'weekly' as const, 'monthly' as const),
  weekday: fc.integer({ min: 1, max: 7 }),
  dayOfMonth: fc.integer({ min: 1, max: 28 }),
  hour: fc.oneof(fc.integer({ min: 0, max: 23 }), fc.constantFrom(1, 2, 3)),
  minute: fc.constantFrom(0, 15, 30, 45, 59),
  own: fc.option(fc.constantFrom(...zones), { nil: null }),
  customer: fc.constantFrom(...zones),
}).map(({ hour, minute, own, customer, ...r }) => ({
  schedule: {
    frequency: r.frequency,
    weekday: r.frequency === 'weekly' ? r.weekday : null,
    dayOfMonth: r.frequency === 'monthly' ? r.dayOfMonth : null,
    startTime: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`,
    timeZone: own,
  } satisfies ScanScheduleFields,
  customer,
}));
const instants = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true });

/** Instants within a day of a DST change in one of the zones (2026 and 2027). */
const dstDays = [
  '2026-03-29T01:00:00Z', '2026-10-25T01:00:00Z', // Berlin
  '2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z', // New York
  '2026-04-04T16:00:00Z', '2026-10-03T16:00:00Z', // Sydney
  '2027-03-28T01:00:00Z', '2027-11-07T06:00:00Z',
].map((s) => new Date(s).getTime());
const nearDst = fc.tuple(fc.constantFrom(...dstDays), fc.integer({ min: -2 * DAY, max: DAY })).map(([t, d]) => new Date(t + d));

const hhmm = (at: Date, zone: string) => localTime(at, zone).slice(11);

function exists(day: ReturnType<typeof localDate>, startTime: string, zone: string): boolean {
  const [h, m] = startTime.split(':').map(Number);
  return hhmm(zonedInstant(day, h! * 60 + m!, zone), zone) === startTime;
}

function checkSlot(schedule: ScanScheduleFields, customer: string, after: Date): void {
  const zone = zoneOf(schedule, customer);
  const next = nextScanRun(schedule, customer, after);
  assert.ok(next.getTime() > after.getTime(), 'after the instant');
  const day = localDate(next, zone);
  if (schedule.frequency === 'weekly') assert.equal(isoWeekday(day), schedule.weekday);
  if (schedule.frequency === 'monthly') assert.equal(day.day, schedule.dayOfMonth);
  if (exists(day, schedule.startTime, zone)) assert.equal(hhmm(next, zone), schedule.startTime);
  else assert.ok(hhmm(next, zone) > schedule.startTime, 'a skipped time runs when the clocks jump');
  const previous =
    schedule.frequency === 'daily' ? addDays(day, -1)
    : schedule.frequency === 'weekly' ? addDays(day, -7)
    : { ...day, month: day.month === 1 ? 12 : day.month - 1, year: day.month === 1 ? day.year - 1 : day.year };
  const [h, m] = schedule.startTime.split(':').map(Number);
  assert.ok(zonedInstant(previous, h! * 60 + m!, zone).getTime() <= after.getTime(), 'no earlier slot was skipped');
}

describe('scan schedules: slots', () => {
  test('the zone is the schedule’s own, else the customer’s, else UTC', () => {
    const base: ScanScheduleFields = { frequency: 'daily', weekday: null, dayOfMonth: null, startTime: '02:00', timeZone: null };
    assert.equal(zoneOf(base, 'Asia/Kolkata'), 'Asia/Kolkata');
    assert.equal(zoneOf({ ...base, timeZone: 'Europe/Berlin' }, 'Asia/Kolkata'), 'Europe/Berlin');
    assert.equal(zoneOf(base, null), 'UTC');
    assert.equal(zoneOf(base, 'Mars/Olympus'), 'UTC');
  });

  test('the next run is strictly after, on the right day, at the start time (or when the clocks jump)', () => {
    fc.assert(fc.property(schedules, instants, ({ schedule, customer }, after) => checkSlot(schedule, customer, after)), { numRuns: 1500 });
  });

  test('the same holds on and around daylight-saving change days', () => {
    fc.assert(fc.property(schedules, nearDst, ({ schedule, customer }, after) => checkSlot(schedule, customer, after)), { numRuns: 1500 });
  });

  test('upcoming runs increase, each the next after the one before, 1 / 7 days or one month apart in local dates', () => {
    fc.assert(
      fc.property(schedules, fc.oneof(instants, nearDst), fc.integer({ min: 1, max: 8 }), ({ schedule, customer }, from, n) => {
        const zone = zoneOf(schedule, customer);
        const runs = upcomingScanRuns(schedule, customer, from, n);
        assert.equal(runs.length, n);
        assert.equal(runs[0]!.getTime(), nextScanRun(schedule, customer, from).getTime());
        for (let i = 1; i < runs.length; i++) {
          assert.ok(runs[i]!.getTime() > runs[i - 1]!.getTime());
          assert.equal(runs[i]!.getTime(), nextScanRun(schedule, customer, runs[i - 1]!).getTime());
          const a = localDate(runs[i - 1]!, zone);
          const b = localDate(runs[i]!, zone);
          if (schedule.frequency === 'daily') assert.equal(daysBetween(a, b), 1);
          else if (schedule.frequency === 'weekly') assert.equal(daysBetween(a, b), 7);
          else assert.equal(b.year * 12 + b.month - (a.year * 12 + a.month), 1);
        }
      }),
      { numRuns: 800 },
    );
  });

  test('daily runs over the change days: a skipped time runs when the clocks jump, a repeated one once, at its first occurrence', () => {
    // Berlin, 29 March 2026: 02:00 CET → 03:00 CEST.
    const spring: ScanScheduleFields = { frequency: 'daily', weekday: null, dayOfMonth: null, startTime: '02:30', timeZone: null };
    assert.deepEqual(upcomingScanRuns(spring, 'Europe/Berlin', new Date('2026-03-27T12:00:00Z'), 3).map((d) => d.toISOString()), [
      '2026-03-28T01:30:00.000Z', '2026-03-29T01:00:00.000Z', '2026-03-30T00:30:00.000Z',
    ]);
    // New York, 1 November 2026: 02:00 EDT → 01:00 EST; 01:30 happens twice.
    const fall: ScanScheduleFields = { ...spring, startTime: '01:30', timeZone: 'America/New_York' };
    assert.deepEqual(upcomingScanRuns(fall, 'Europe/Berlin', new Date('2026-10-31T12:00:00Z'), 2).map((d) => d.toISOString()), [
      '2026-11-01T05:30:00.000Z', '2026-11-02T06:30:00.000Z',
    ]);
    // Sydney, 4 October 2026: 02:00 AEST → 03:00 AEDT.
    assert.equal(nextScanRun({ ...spring, startTime: '02:15' }, 'Australia/Sydney', new Date('2026-10-03T12:00:00Z')).toISOString(), '2026-10-03T16:00:00.000Z');
    // Kolkata: 05:30 all year.
    assert.equal(nextScanRun({ ...spring, startTime: '00:00' }, 'Asia/Kolkata', new Date('2026-06-01T00:00:00Z')).toISOString(), '2026-06-01T18:30:00.000Z');
  });

  test('local time is the wall clock of the zone', () => {
    assert.equal(localTime(new Date('2026-11-01T05:30:00Z'), 'America/New_York'), '2026-11-01T01:30');
    assert.equal(localTime(new Date('2026-11-01T06:30:00Z'), 'America/New_York'), '2026-11-01T01:30');
    assert.equal(new Date(wallClock(Date.UTC(2026, 0, 1), 'Asia/Kolkata')).toISOString().slice(11, 16), '05:30');
  });
});

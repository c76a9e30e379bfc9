import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { addDays, daysBetween, isoWeekday, isTimeZone, nextRun, reportPeriod, zonedInstant, type ScheduleRule } from '../../../bff/domain/report-schedule.js';
import { localDate, wallClock } from '../../../bff/domain/zoned-date.js';

/**
 * Slots of report schedules: strictly after the instant asked about, at the local send time on
 * the right weekday or day of the month, 7 days or one month apart in local dates, across zones
 * with daylight saving both ways, a half-hour offset and none.
 */

const zones = ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata'] as const;
const HOUR = 3_600_000;

const rules = fc.record({
  frequency: fc.constantFrom('weekly' as const, 'monthly' as const),
  weekday: fc.integer({ min: 1, max: 7 }),
  dayOfMonth: fc.integer({ min: 1, max: 28 }),
  // Times around the usual 01:00–03:00 transitions come up often.
  hour: fc.oneof(fc.integer({ min: 0, max: 23 }), fc.constantFrom(1, 2, 3)),
  minute: fc.constantFrom(0, 15, 30, 45, 59),
  timeZone: fc.constantFrom(...zones),
}).map(({ hour, minute, ...r }): ScheduleRule => ({
  ...r,
  weekday: r.frequency === 'weekly' ? r.weekday : null,
  dayOfMonth: r.frequency === 'monthly' ? r.dayOfMonth : null,
  sendTime: `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`,
}));
const instants = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2035-12-31T00:00:00Z'), noInvalidDate: true });

/** The local wall time of an instant as HH:MM. */
function localTime(at: Date, timeZone: string): string {
  const wall = new Date(wallClock(at.getTime(), timeZone));
  return `${String(wall.getUTCHours()).padStart(2, '0')}:${String(wall.getUTCMinutes()).padStart(2, '0')}`;
}

/** Whether the local time exists on that day (it does not in a spring-forward gap). */
function exists(day: ReturnType<typeof localDate>, sendTime: string, timeZone: string): boolean {
  const [h, m] = sendTime.split(':').map(Number);
  const at = zonedInstant(day, h! * 60 + m!, timeZone);
  return localTime(at, timeZone) === sendTime;
}

describe('report schedules: next run', () => {
  test('is strictly after the instant, on the right day, at the send time (or just after a gap)', () => {
    fc.assert(
      fc.property(rules, instants, (rule, after) => {
        const next = nextRun(rule, after);
        assert.ok(next.getTime() > after.getTime(), 'after the instant');
        const day = localDate(next, rule.timeZone);
        if (rule.frequency === 'weekly') assert.equal(isoWeekday(day), rule.weekday);
        else assert.equal(day.day, rule.dayOfMonth);
        if (exists(day, rule.sendTime, rule.timeZone)) assert.equal(localTime(next, rule.timeZone), rule.sendTime);
        else assert.ok(localTime(next, rule.timeZone) > rule.sendTime, 'a skipped time runs when the clocks jump');
        // Nothing earlier qualifies: the slot before it is at or before `after`.
        const previous = rule.frequency === 'weekly' ? addDays(day, -7) : { ...day, month: day.month === 1 ? 12 : day.month - 1, year: day.month === 1 ? day.year - 1 : day.year };
        const [h, m] = rule.sendTime.split(':').map(Number);
        assert.ok(zonedInstant(previous, h! * 60 + m!, rule.timeZone).getTime() <= after.getTime(), 'no earlier slot was skipped');
      }),
      { numRuns: 2000 },
    );
  });

  test('consecutive runs are 7 days or one month apart in local dates', () => {
    fc.assert(
      fc.property(rules, instants, (rule, after) => {
        const first = nextRun(rule, after);
        const second = nextRun(rule, first);
        const a = localDate(first, rule.timeZone);
        const b = localDate(second, rule.timeZone);
        if (rule.frequency === 'weekly') assert.equal(daysBetween(a, b), 7);
        else {
          assert.equal(b.day, a.day);
          assert.equal((b.year * 12 + b.month) - (a.year * 12 + a.month), 1);
        }
      }),
      { numRuns: 1000 },
    );
  });

  test('a time skipped by spring forward runs when the clocks jump; a repeated one runs at its first occurrence', () => {
    // Berlin, 29 March 2026: 02:00 CET → 03:00 CEST. 02:30 does not exist.
    const spring: ScheduleRule = { frequency: 'weekly', weekday: 7, sendTime: '02:30', timeZone: 'Europe/Berlin' };
    assert.equal(nextRun(spring, new Date('2026-03-28T12:00:00Z')).toISOString(), '2026-03-29T01:00:00.000Z');
    // The week after, it is 02:30 CEST again.
    assert.equal(nextRun(spring, new Date('2026-03-29T01:00:00Z')).toISOString(), '2026-04-05T00:30:00.000Z');
    // New York, 1 November 2026: 02:00 EDT → 01:00 EST. 01:30 happens twice; the first is EDT.
    const fall: ScheduleRule = { frequency: 'weekly', weekday: 7, sendTime: '01:30', timeZone: 'America/New_York' };
    assert.equal(nextRun(fall, new Date('2026-10-31T12:00:00Z')).toISOString(), '2026-11-01T05:30:00.000Z');
    // …and only once: the next slot after the first occurrence is a week later.
    assert.equal(nextRun(fall, new Date('2026-11-01T05:30:00Z')).toISOString(), '2026-11-08T06:30:00.000Z');
    // Sydney, 4 October 2026: 02:00 AEST → 03:00 AEDT, on the first Sunday of October.
    const sydney: ScheduleRule = { frequency: 'monthly', dayOfMonth: 4, sendTime: '02:15', timeZone: 'Australia/Sydney' };
    assert.equal(nextRun(sydney, new Date('2026-09-20T00:00:00Z')).toISOString(), '2026-10-03T16:00:00.000Z');
    // Kolkata has no daylight saving: 09:00 IST is 03:30 UTC all year.
    const kolkata: ScheduleRule = { frequency: 'monthly', dayOfMonth: 1, sendTime: '09:00', timeZone: 'Asia/Kolkata' };
    assert.equal(nextRun(kolkata, new Date('2026-12-15T00:00:00Z')).toISOString(), '2027-01-01T03:30:00.000Z');
  });

  test('a slot exactly at the instant is not the next one', () => {
    const rule: ScheduleRule = { frequency: 'weekly', weekday: 1, sendTime: '08:00', timeZone: 'Europe/Berlin' };
    const slot = new Date('2026-11-23T07:00:00Z');
    assert.equal(nextRun(rule, new Date(slot.getTime() - 1)).toISOString(), slot.toISOString());
    assert.equal(nextRun(rule, slot).toISOString(), new Date(slot.getTime() + 7 * 24 * HOUR).toISOString());
  });

  test('report periods: the seven local days before a weekly run, the previous month for a monthly one', () => {
    const weekly = { frequency: 'weekly' as const, timeZone: 'Australia/Sydney' };
    // Monday 08:00 in Sydney is still Sunday in UTC: the local run day counts.
    assert.deepEqual(reportPeriod(weekly, new Date('2026-11-22T21:00:00Z')), { from: '2026-11-16', to: '2026-11-22' });
    const monthly = { frequency: 'monthly' as const, timeZone: 'America/New_York' };
    assert.deepEqual(reportPeriod(monthly, new Date('2027-01-01T14:00:00Z')), { from: '2026-12-01', to: '2026-12-31' });
    assert.deepEqual(reportPeriod(monthly, new Date('2028-03-01T14:00:00Z')), { from: '2028-02-01', to: '2028-02-29' });
  });

  test('time zones are IANA names Intl knows', () => {
    for (const z of zones) assert.ok(isTimeZone(z));
    for (const bad of ['Mars/Olympus', '', '+02:00', 'Europe/Berlin; drop table', '../etc']) assert.equal(isTimeZone(bad), false, bad);
  });
});

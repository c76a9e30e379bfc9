import { isTimeZone, nextRun, SEND_TIME, upcomingRuns, type RuleFrequency, type ScheduleRule } from './report-schedule.js';
import { wallClock } from './zoned-date.js';

/**
 * Scan schedules in the terms of the shared rule engine (report-schedule.ts): daily, weekly on
 * an ISO weekday or monthly on a day 1–28, at a preferred local start time in the schedule's
 * own IANA zone or, when it names none, the customer's. The same daylight-saving rules hold: a
 * start time the clocks skip runs when they jump, one that happens twice runs the first time.
 */

export const scanFrequencies = ['daily', 'weekly', 'monthly'] as const satisfies readonly RuleFrequency[];
export type ScanFrequency = (typeof scanFrequencies)[number];

/** Events that start a run besides the clock. */
export const scanTriggers = ['new_asset', 'vulnerability_db_update'] as const;
export type ScanTrigger = (typeof scanTriggers)[number];

/** Why a scan ran: its schedule's slot, one of the events, or someone asked. */
export const scanReasons = ['schedule', 'new_asset', 'vulnerability_db_update', 'manual'] as const;
export type ScanReason = (typeof scanReasons)[number];

export const START_TIME = SEND_TIME;

export interface ScanScheduleFields {
  frequency: ScanFrequency;
  weekday: number | null;
  dayOfMonth: number | null;
  startTime: string;
  /** null: the customer's zone. */
  timeZone: string | null;
}

/** The zone a schedule runs in: its own, else the customer's, else UTC. */
export function zoneOf(schedule: Pick<ScanScheduleFields, 'timeZone'>, customerZone: string | null | undefined): string {
  if (schedule.timeZone && isTimeZone(schedule.timeZone)) return schedule.timeZone;
  if (customerZone && isTimeZone(customerZone)) return customerZone;
  return 'UTC';
}

/** The engine's rule for a schedule of a customer in `customerZone`. */
export function scanRule(schedule: ScanScheduleFields, customerZone: string | null | undefined): ScheduleRule {
  return {
    frequency: schedule.frequency,
    weekday: schedule.frequency === 'weekly' ? schedule.weekday : null,
    dayOfMonth: schedule.frequency === 'monthly' ? schedule.dayOfMonth : null,
    sendTime: schedule.startTime,
    timeZone: zoneOf(schedule, customerZone),
  };
}

/** The first slot strictly after `after`. */
export function nextScanRun(schedule: ScanScheduleFields, customerZone: string | null | undefined, after: Date): Date {
  return nextRun(scanRule(schedule, customerZone), after);
}

/** The next `count` slots after `after`. */
export function upcomingScanRuns(schedule: ScanScheduleFields, customerZone: string | null | undefined, after: Date, count: number): Date[] {
  return upcomingRuns(scanRule(schedule, customerZone), after, count);
}

/** `at` on the wall clock of `timeZone`: `YYYY-MM-DDTHH:MM`. */
export function localTime(at: Date, timeZone: string): string {
  return new Date(wallClock(at.getTime(), timeZone)).toISOString().slice(0, 16);
}

/** The run key of a slot; racing ticks compute the same one, so a slot runs once. */
export const slotKey = (at: Date) => `slot:${at.toISOString()}`;
export const assetKey = (assetId: string) => `asset:${assetId}`;
export const vulnDbKey = (version: string) => `vulndb:${version}`;
export const manualKey = (id: string) => `manual:${id}`;

/** Registers every Portico element. Each also has its own entry (core/provider.define.ts, fleet-table/define.ts). */
export * from './core/index.js';
export { MspProvider } from './core/provider.define.js';
export type { EmbedSession } from './core/provider.define.js';
export { MspFleetTable } from './fleet-table/define.js';
export type { FleetFilters, FleetRowAction } from './fleet-table/define.js';
export { MspLicenseMeter, licenceValueText } from './license-meter/define.js';
export { MspCustomerDetail, customerTabs, type CustomerTab } from './customer-detail/define.js';
export { MspCustomerCreate } from './customer-create/define.js';
export { MspCustomerTabs, MAX_OPEN_TABS, type OpenCustomer } from './customer-tabs/define.js';
export { MspIpDistribution, type IpDistributionChangeDetail, type IpDistributionSaveKind } from './ip-distribution/define.js';
export { MspThemeEditor, type ThemeAnswer, type ThemeLogo, type ThemeSavedDetail, type ThemeTarget } from './theme-editor/define.js';
export { MspReportViewer, MAX_REPORT_DAYS, periodErrors, presetPeriod, type PeriodPreset, type ReportPeriod } from './report-viewer/define.js';
export { MspScanSchedules, describeScanSchedule, type ScanItem, type ScanProfile, type ScanSchedule, type UpcomingRun } from './scan-schedules/define.js';
export { MspUsageReport, type Partnership, type UsageReport, type UsageWorkbook } from './usage-report/define.js';
export { MspNotificationSettings, type NotificationSettings, type NotificationSettingsChange, type UserNotificationSettings } from './notification-settings/define.js';
export { MspFindingSearch, type FindingSearchCustomer, type FindingSearchGroup, type FindingSearchHit, type FindingSearchPage } from './finding-search/define.js';
export { presetNames, resolveTheme, themeTokens, type PresetName, type ResolvedTheme, type ThemeRecord } from '../themes/loader.js';

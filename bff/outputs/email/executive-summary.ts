import { z } from 'zod';
import type { ExecutiveReport, Severity } from '../report-data.js';
import { severities } from '../report-data.js';
import { escapeHtml, type RenderedEmail } from './layout.js';

/**
 * The executive-report summary email: the customer's logo and colours, posture score and trend,
 * open findings by severity as a coloured table, the top five risks, scan activity and asset
 * coverage, a button to the full PDF behind a signed link, and the seller's attribution.
 *
 * Like every Portico email (layout.ts) it is written for mail clients: nested
 * role="presentation" tables, inline styles, `bgcolor` next to every background colour (Outlook
 * ignores CSS backgrounds on some elements), no SVG or images other than the logo, a 600px
 * column that shrinks on phones. The figures are taken from the report when the email is
 * queued and stored with the message, so a retry sends the same numbers.
 */

const Hex = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a #rrggbb colour');
const isoDate = z.iso.datetime({ offset: true });
const day = z.iso.date();
const count = z.number().int().min(0);

export const executiveSummarySchema = z.object({
  /** The From name and sender line: the seller the report is attributed to. */
  mspName: z.string().min(1).max(200),
  timeZone: z.string().min(1).optional(),
  customerName: z.string().min(1).max(200),
  preparedBy: z.string().min(1).max(200).nullable(),
  period: z.object({ from: day, to: day }),
  score: z.number().int().min(0).max(100).nullable(),
  trend: z.number().int().nullable(),
  findings: z.object(Object.fromEntries(severities.map((s) => [s, count])) as Record<Severity, typeof count>),
  topRisks: z.array(z.object({ severity: z.enum(severities), title: z.string().max(500), asset: z.string().max(500), ageDays: count })).max(5),
  scans: z.object({ total: count, completed: count, failed: count }),
  coverage: z.object({ total: count, scanned: count }),
  brand: z.object({
    colorPrimary: Hex,
    colorOnPrimary: Hex,
    colorText: Hex,
    colorMuted: Hex,
    colorBorder: Hex,
    colorSurface: Hex,
    colorDanger: Hex,
    colorWarning: Hex,
    colorAccent: Hex,
    colorSuccess: Hex,
  }),
  /** The customer's (or its seller's) logo; its PNG raster is attached inline. */
  logoId: z.uuid().nullable(),
  /** The signed link to the PDF: a credential, removed from the stored row once sent. */
  reportUrl: z.url({ protocol: /^https?$/ }),
  linkExpiresAt: isoDate,
});
export type ExecutiveSummaryData = z.infer<typeof executiveSummarySchema>;

/** How the logo is shown: attached and referenced by `cid:` (the mail), by URL (a preview), or not. */
export type LogoSource = { kind: 'cid'; cid: string } | { kind: 'url'; url: string } | { kind: 'none' };

export const LOGO_CID = 'logo@portico';

const severityLabel: Record<Severity, string> = { critical: 'Critical', high: 'High', medium: 'Medium', low: 'Low', info: 'Info' };

/** White or near-black, whichever reads better on `hex` (WCAG relative luminance). */
export function textOn(hex: string): string {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(1 + 2 * i, 3 + 2 * i), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const l = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
  return (1.05 / (l + 0.05)) >= ((l + 0.05) / 0.05) ? '#ffffff' : '#111111';
}

/** The summary's data from a report, as stored with the queued message. */
export function summaryData(report: ExecutiveReport, link: { url: string; expiresAt: Date }, mspName: string, timeZone?: string): ExecutiveSummaryData {
  const b = report.brand;
  const scans = report.scanActivity.reduce((a, w) => ({ total: a.total + w.scans, completed: a.completed + w.completed, failed: a.failed + w.failed }), { total: 0, completed: 0, failed: 0 });
  const coverage = report.assetCoverage.reduce((a, k) => ({ total: a.total + k.total, scanned: a.scanned + k.scanned }), { total: 0, scanned: 0 });
  return {
    mspName,
    ...(timeZone ? { timeZone } : {}),
    customerName: report.customer.name,
    preparedBy: report.preparedBy,
    period: report.period,
    score: report.posture.score,
    trend: report.posture.trend,
    findings: { ...report.findingsBySeverity },
    topRisks: report.topRisks.slice(0, 5).map((r) => ({ severity: r.severity, title: r.title, asset: r.asset, ageDays: r.ageDays })),
    scans,
    coverage,
    brand: {
      colorPrimary: b.colorPrimary,
      colorOnPrimary: textOn(b.colorPrimary),
      colorText: b.colorText,
      colorMuted: b.colorMuted,
      colorBorder: b.colorBorder,
      colorSurface: b.colorSurface,
      colorDanger: b.colorDanger,
      colorWarning: b.colorWarning,
      colorAccent: b.colorAccent,
      colorSuccess: b.colorSuccess,
    },
    logoId: b.logoId,
    reportUrl: link.url,
    linkExpiresAt: link.expiresAt.toISOString(),
  };
}

function fmtDay(iso: string): string {
  return new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
}

export function periodText(p: { from: string; to: string }): string {
  return `${fmtDay(p.from)} – ${fmtDay(p.to)}`;
}

function expiryText(iso: string, timeZone = 'UTC'): string {
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' }).format(new Date(iso));
}

const trendText = (trend: number | null) => (trend === null ? 'no earlier score' : trend === 0 ? 'unchanged' : `${trend > 0 ? '+' : '−'}${Math.abs(trend)} since the start of the period`);
const pct = (n: number, of: number) => (of === 0 ? '0 %' : `${Math.round((n / of) * 100)} %`);

export function summarySubject(d: Pick<ExecutiveSummaryData, 'customerName' | 'period'>): string {
  return `${d.customerName} security summary, ${periodText(d.period)}`;
}

function severityColour(d: ExecutiveSummaryData, s: Severity): string {
  const b = d.brand;
  return { critical: b.colorDanger, high: b.colorWarning, medium: b.colorAccent, low: b.colorPrimary, info: b.colorMuted }[s];
}

const FONT = "-apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
const PAGE_BG = '#f3f4f7';

export function renderExecutiveSummary(d: ExecutiveSummaryData, logo: LogoSource): RenderedEmail {
  const b = d.brand;
  const e = escapeHtml;
  const sender = d.preparedBy ?? d.mspName;
  const subject = summarySubject(d);
  const expires = expiryText(d.linkExpiresAt, d.timeZone);
  const openTotal = severities.reduce((a, s) => a + d.findings[s], 0);
  const font = `font-family:${e(FONT)};`;
  const text = (size: number, colour: string, extra = '') => `${font}font-size:${size}px;line-height:${Math.round(size * 1.45)}px;color:${e(colour)};${extra}`;
  const cell = (content: string, style: string, attrs = '') => `<td${attrs} style="${style}">${content}</td>`;
  const heading = (label: string) => `<h2 style="margin:24px 0 8px 0;${text(16, b.colorText, 'font-weight:700;')}">${e(label)}</h2>`;

  const logoHtml =
    logo.kind === 'none' || !d.logoId
      ? `<span style="${text(18, b.colorOnPrimary, 'font-weight:700;')}">${e(d.customerName)}</span>`
      : `<img src="${e(logo.kind === 'cid' ? `cid:${logo.cid}` : logo.url)}" alt="${e(d.customerName)}" height="40" style="display:block;height:40px;width:auto;max-width:240px;border:0;outline:none;text-decoration:none;">`;

  // Logos are drawn for light paper, so a logo sits on white above a rule in the brand colour;
  // without one, the customer's name is written on a band of it.
  const header =
    logo.kind === 'none' || !d.logoId
      ? `<tr><td bgcolor="${e(b.colorPrimary)}" style="padding:20px 32px;background-color:${e(b.colorPrimary)};border-radius:8px 8px 0 0;">${logoHtml}</td></tr>`
      : `<tr><td bgcolor="#ffffff" style="padding:20px 32px;background-color:#ffffff;border:1px solid ${e(b.colorBorder)};border-bottom:4px solid ${e(b.colorPrimary)};border-radius:8px 8px 0 0;">${logoHtml}</td></tr>`;

  // Score tile and the key figures, side by side; two cells that wrap under each other on phones.
  const tile = (label: string, value: string, note: string) =>
    `<td width="33%" valign="top" bgcolor="${e(b.colorSurface)}" style="padding:12px;background-color:${e(b.colorSurface)};border:1px solid ${e(b.colorBorder)};">` +
    `<div style="${text(12, b.colorMuted, 'text-transform:uppercase;letter-spacing:0.5px;')}">${e(label)}</div>` +
    `<div style="${text(28, b.colorText, 'font-weight:700;')}">${e(value)}</div>` +
    `<div style="${text(12, b.colorMuted)}">${e(note)}</div></td>`;
  const tiles =
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:separate;border-spacing:0;"><tr>` +
    tile('Posture score', d.score === null ? '–' : `${d.score} / 100`, trendText(d.trend)) +
    tile('Open findings', String(openTotal), `${d.findings.critical} critical, ${d.findings.high} high`) +
    tile('Scans', String(d.scans.total), `${d.scans.completed} completed, ${d.scans.failed} failed`) +
    `</tr></table>`;

  const severityRows = severities
    .map((s) => {
      const colour = severityColour(d, s);
      return (
        `<tr>` +
        cell(e(severityLabel[s]), `padding:8px 12px;${text(14, textOn(colour), 'font-weight:600;')}background-color:${e(colour)};border-bottom:1px solid ${e(b.colorBorder)};`, ` bgcolor="${e(colour)}" width="40%"`) +
        cell(e(String(d.findings[s])), `padding:8px 12px;${text(14, b.colorText, 'font-weight:700;')}border-bottom:1px solid ${e(b.colorBorder)};`, ' align="right"') +
        `</tr>`
      );
    })
    .join('');
  const severityTable = `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;border:1px solid ${e(b.colorBorder)};">${severityRows}</table>`;

  const risks = d.topRisks.length
    ? `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;">` +
      d.topRisks
        .map((r, i) => {
          const colour = severityColour(d, r.severity);
          return (
            `<tr>` +
            cell(`${i + 1}.`, `padding:8px 8px 8px 0;vertical-align:top;${text(14, b.colorMuted)}border-bottom:1px solid ${e(b.colorBorder)};`, ' width="20"') +
            cell(
              `<span style="display:inline-block;padding:1px 6px;border-radius:3px;background-color:${e(colour)};${text(11, textOn(colour), 'font-weight:700;')}">${e(severityLabel[r.severity])}</span> ` +
                `<span style="${text(14, b.colorText, 'font-weight:600;')}">${e(r.title)}</span><br>` +
                `<span style="${text(12, b.colorMuted)}">${e(r.asset)} · open ${e(String(r.ageDays))} days</span>`,
              `padding:8px 0;vertical-align:top;border-bottom:1px solid ${e(b.colorBorder)};`,
            ) +
            `</tr>`
          );
        })
        .join('') +
      `</table>`
    : `<p style="margin:0;${text(14, b.colorText)}">No open findings at the end of the period.</p>`;

  const coverageLine = `${d.coverage.scanned} of ${d.coverage.total} assets scanned in the period (${pct(d.coverage.scanned, d.coverage.total)}).`;
  const url = e(d.reportUrl);
  const button =
    `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="margin:24px 0 8px 0;"><tr>` +
    `<td align="center" bgcolor="${e(b.colorPrimary)}" style="border-radius:6px;background-color:${e(b.colorPrimary)};">` +
    `<a href="${url}" target="_blank" style="display:inline-block;padding:14px 28px;${text(16, b.colorOnPrimary, 'font-weight:600;text-decoration:none;border-radius:6px;')}">Download the full report (PDF)</a>` +
    `</td></tr></table>` +
    `<p style="margin:0 0 8px 0;${text(13, b.colorMuted)}">This link works until ${e(expires)}. If the button does not work, copy this link into your browser:<br>` +
    `<a href="${url}" target="_blank" style="color:${e(b.colorPrimary)};word-break:break-all;">${url}</a></p>`;
  const footer = `Prepared by ${sender} for ${d.customerName}.`;
  const preheader = `Posture ${d.score ?? '–'}/100, ${openTotal} open findings (${d.findings.critical} critical) for ${periodText(d.period)}.`;

  const html = `<!doctype html>
<html lang="en" xmlns="http://www.w3.org/1999/xhtml" xmlns:o="urn:schemas-microsoft-com:office:office">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting">
<meta name="color-scheme" content="light">
<meta name="supported-color-schemes" content="light">
<title>${e(subject)}</title>
<!--[if mso]><xml><o:OfficeDocumentSettings><o:PixelsPerInch>96</o:PixelsPerInch></o:OfficeDocumentSettings></xml><![endif]-->
</head>
<body style="margin:0;padding:0;width:100%;background-color:${PAGE_BG};">
<div style="display:none;max-height:0;max-width:0;overflow:hidden;opacity:0;mso-hide:all;font-size:1px;line-height:1px;color:${PAGE_BG};">${e(preheader)}${'&#847;&zwnj;&nbsp;'.repeat(40)}</div>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" bgcolor="${PAGE_BG}" style="width:100%;background-color:${PAGE_BG};">
<tr><td align="center" style="padding:24px 12px;">
<!--[if mso]><table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="width:100%;max-width:600px;">
${header}
<tr><td bgcolor="${e(b.colorSurface)}" style="padding:28px 32px 32px 32px;background-color:${e(b.colorSurface)};border:1px solid ${e(b.colorBorder)};border-top:0;border-radius:0 0 8px 8px;">
<h1 style="margin:0 0 4px 0;${text(22, b.colorText, 'font-weight:700;')}">${e(d.customerName)} security summary</h1>
<p style="margin:0 0 20px 0;${text(14, b.colorMuted)}">${e(periodText(d.period))}</p>
${tiles}
${heading('Open findings by severity')}
${severityTable}
${heading('Top risks')}
${risks}
${heading('Asset coverage')}
<p style="margin:0;${text(14, b.colorText)}">${e(coverageLine)}</p>
${button}
</td></tr>
<tr><td style="padding:16px 4px 0 4px;${text(12, '#5b6475')}">${e(footer)}</td></tr>
</table>
<!--[if mso]></td></tr></table><![endif]-->
</td></tr>
</table>
</body>
</html>
`;

  const textPart = [
    `${d.customerName} security summary`,
    periodText(d.period),
    '',
    `Posture score: ${d.score === null ? 'no score yet' : `${d.score} / 100`} (${trendText(d.trend)})`,
    `Open findings: ${openTotal} (${d.findings.critical} critical, ${d.findings.high} high)`,
    ...severities.map((s) => `  ${severityLabel[s]}: ${d.findings[s]}`),
    `Scans: ${d.scans.total} (${d.scans.completed} completed, ${d.scans.failed} failed)`,
    `Asset coverage: ${coverageLine}`,
    '',
    'Top risks:',
    ...(d.topRisks.length ? d.topRisks.map((r, i) => `  ${i + 1}. [${severityLabel[r.severity]}] ${r.title} (${r.asset}, open ${r.ageDays} days)`) : ['  No open findings at the end of the period.']),
    '',
    'Download the full report (PDF):',
    d.reportUrl,
    `This link works until ${expires}.`,
    '',
    '--',
    footer,
  ].join('\n');

  return { senderName: sender, subject, html, text: `${textPart}\n` };
}

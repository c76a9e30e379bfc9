import path from 'node:path';

/** Everything Portico reads from the environment, read once, in one place. */
export interface Config {
  port: number;
  /** A PostgreSQL URL; unset means the embedded PGlite database in `dataDir`. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** JWT issuer and audience of embed-session tokens. */
  issuer: string;
  audience: string;
  /** Requests per minute per principal before 429. */
  rateLimitPerMinute: number;
  /** Trust X-Forwarded-For for the client address (only behind a proxy you run). */
  trustProxy: boolean;
  /** The most customers one fleet export may hold; a larger set must be narrowed by filters. */
  exportMaxRows: number;
  /** Where email goes (`smtp://user:pass@host:port`, `smtps://…`); unset means email stays queued. */
  smtpUrl: string | undefined;
  /** The From header of every email. */
  mailFrom: string;
  /** The portal that hosts the widgets; invite links point at `<portalUrl>/accept-invite?token=…`. */
  portalUrl: string;
  /** How long an invite link works. */
  inviteTtlHours: number;
  /** How long the signed PDF link in an executive-report email works. */
  reportLinkTtlHours: number;
  /** Run the background jobs (purges, email) in this process. */
  runJobs: boolean;
  /** Which scanner runs scans (PORTICO_SCANNER; bff/scanner/index.ts): `simulated` by default. */
  scanner: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be a port number, got ${JSON.stringify(env.PORT)}`);
  }
  const rate = Number(env.PORTICO_RATE_LIMIT ?? 600);
  if (!Number.isInteger(rate) || rate < 1) {
    throw new Error(`PORTICO_RATE_LIMIT must be a positive integer, got ${JSON.stringify(env.PORTICO_RATE_LIMIT)}`);
  }
  const exportMaxRows = Number(env.PORTICO_EXPORT_MAX_ROWS ?? 50_000);
  if (!Number.isInteger(exportMaxRows) || exportMaxRows < 1) {
    throw new Error(`PORTICO_EXPORT_MAX_ROWS must be a positive integer, got ${JSON.stringify(env.PORTICO_EXPORT_MAX_ROWS)}`);
  }
  const inviteTtlHours = Number(env.PORTICO_INVITE_TTL_HOURS ?? 72);
  if (!Number.isFinite(inviteTtlHours) || inviteTtlHours <= 0) {
    throw new Error(`PORTICO_INVITE_TTL_HOURS must be a positive number, got ${JSON.stringify(env.PORTICO_INVITE_TTL_HOURS)}`);
  }
  const reportLinkTtlHours = Number(env.PORTICO_REPORT_LINK_TTL_HOURS ?? 168);
  if (!Number.isFinite(reportLinkTtlHours) || reportLinkTtlHours <= 0 || reportLinkTtlHours > 24 * 90) {
    throw new Error(`PORTICO_REPORT_LINK_TTL_HOURS must be a positive number of hours up to 2160 (90 days), got ${JSON.stringify(env.PORTICO_REPORT_LINK_TTL_HOURS)}`);
  }
  const smtpUrl = env.SMTP_URL || undefined;
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) {
    throw new Error(`SMTP_URL must start with smtp:// or smtps://, got ${JSON.stringify(smtpUrl)}`);
  }
  return {
    port,
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.PORTICO_DATA_DIR || '.data'),
    issuer: env.PORTICO_ISSUER || 'portico',
    audience: env.PORTICO_AUDIENCE || 'portico-widgets',
    rateLimitPerMinute: rate,
    trustProxy: env.PORTICO_TRUST_PROXY === '1' || env.PORTICO_TRUST_PROXY === 'true',
    exportMaxRows,
    smtpUrl,
    mailFrom: env.PORTICO_MAIL_FROM || 'Portico <no-reply@portico.localhost>',
    portalUrl: (env.PORTICO_PORTAL_URL || `http://localhost:${port}`).replace(/\/+$/, ''),
    inviteTtlHours,
    reportLinkTtlHours,
    runJobs: env.PORTICO_JOBS !== 'off',
    scanner: env.PORTICO_SCANNER ?? 'simulated',
  };
}

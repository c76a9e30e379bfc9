import { provide } from '@lit/context';
import { html, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import { presetNames, resolveTheme, themeTokens, type PresetName, type ResolvedTheme, type ThemeMode, type ThemeRecord } from '../../themes/loader.js';
import { ApiClient } from './api-client.js';
import { MspElement } from './base-element.js';
import { apiContext, themeContext } from './context.js';
import type { Theme } from './api-types.js';
import { ApiError, toApiError } from './errors.js';
import styles from './provider.styles.js';

/** What the host page's session callback resolves to (the BFF's `POST /v1/embed-sessions` answer). */
export interface EmbedSession {
  token: string;
  expiresAt: string;
}

/** Refresh this long before the token expires. */
export const REFRESH_MARGIN_MS = 60_000;

/** The `theme` value that loads the signed-in org's own theme from the BFF. */
export const TENANT_THEME = 'tenant';

/** `GET /v1/themes/{orgId}` as far as the provider reads it (the logo's `url` is a path under the BFF). */
type TenantThemeAnswer = Pick<Theme, 'tokens' | 'resolved'> & { logo?: { url: string } | null };

/** Who a session is for: the token's subject and org (read, not verified: the BFF verifies it). */
function sessionSubject(token: string): string | null {
  try {
    const payload = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: unknown; org?: unknown };
    return typeof payload.sub === 'string' ? `${payload.sub}|${String(payload.org ?? '')}` : null;
  } catch {
    return null;
  }
}

const themeConverter = {
  fromAttribute(value: string | null): PresetName | ThemeRecord | string | null {
    if (value && value.trim().startsWith('{')) {
      try {
        return JSON.parse(value) as ThemeRecord;
      } catch {
        return value;
      }
    }
    return value;
  },
  toAttribute(value: unknown): string | null {
    return typeof value === 'string' ? value : null;
  },
};

/**
 * Holds the embed session, the API client and the theme for every Portico widget inside it.
 *
 * @summary Session, API client and theme for the widgets it contains.
 *
 * @slot - The widgets (any depth; they find the provider through @lit/context).
 *
 * @event {CustomEvent<{type, message, status?}>} msp-error - The session could not be fetched
 *   (`authentication_error`).
 * @event {CustomEvent<{expiresAt: string}>} msp-session - A session was fetched or refreshed.
 * @event {CustomEvent<{name, mode, logo}>} msp-theme-change - The theme the widgets use changed
 *   (a preset or record was set, or the tenant theme arrived).
 *
 * @cssproperty --msp-color-background - Background of the provider box (all `--msp-*` tokens are
 *   set here from `theme`).
 * @cssproperty --msp-color-text - Text colour inherited by the widgets.
 * @cssproperty --msp-font-family - Font of the widgets.
 */
export class MspProvider extends MspElement {
  static override styles = styles;

  /** Base URL of the BFF, without `/v1` (`''` = same origin). */
  @property({ attribute: 'api-base' }) apiBase = '';

  /**
   * A preset name (`light`, `dark`, `high-contrast`), a partial theme record laid over a preset, or
   * `tenant`: the signed-in org's theme from the BFF (`GET /v1/me`, then `GET /v1/themes/{orgId}`),
   * the light preset until it arrives or when it cannot be read.
   */
  @property({ converter: themeConverter }) theme: PresetName | ThemeRecord | string | null = 'light';

  /** With `theme="tenant"`: the org whose theme is loaded (a customer's, say) instead of the session's. */
  @property({ attribute: 'tenant-org-id' }) tenantOrgId = '';

  /** Returns a fresh embed session; called eagerly, ~60 s before expiry, and once after a 401. */
  @property({ attribute: false }) fetchSession: (() => Promise<EmbedSession>) | undefined;

  /** The API client every widget inside uses. */
  @provide({ context: apiContext })
  @state()
  api: ApiClient | undefined;

  /** The theme after presets and overrides are resolved. */
  @provide({ context: themeContext })
  @state()
  resolvedTheme: ResolvedTheme = resolveTheme('light');

  private session: { token: string; expiresAt: number } | undefined;
  private pending: Promise<string> | undefined;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private appliedTokens: string[] = [];
  /** The callback the current session came from. */
  private activeSource: (() => Promise<EmbedSession>) | undefined;
  /** Bumped whenever fetchSession changes, so an answer from an old callback is dropped. */
  private generation = 0;
  /** The user (and org) the tenant theme was loaded for; another one loads it again. */
  private tenantThemeFor: string | undefined;
  /** Bumped per tenant theme load, so only the latest answer is applied. */
  private themeLoads = 0;

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.fetchSession !== this.activeSource) this.startSession();
    else if (this.session) this.scheduleRefresh(this.session.expiresAt);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.refreshTimer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('apiBase') || !this.api) {
      this.api = new ApiClient({ apiBase: this.apiBase, session: { token: () => this.token(), renew: () => this.renew(false) } });
    }
    if (changed.has('theme') || changed.has('tenantOrgId')) {
      if (this.theme === TENANT_THEME) {
        // Keep a tenant theme already on screen while another is read; else the light preset until it arrives.
        if (!this.tenantThemeFor) this.resolvedTheme = resolveTheme('light');
        this.tenantThemeFor = undefined;
        if (this.session) void this.loadTenantTheme();
      } else {
        this.themeLoads++;
        this.tenantThemeFor = undefined;
        this.resolvedTheme = resolveTheme(this.theme);
      }
    }
    if (changed.has('fetchSession') && this.fetchSession !== this.activeSource && this.isConnected) this.startSession();
  }

  /** A new callback means a new user or page session: forget the old token and fetch eagerly. */
  private startSession(): void {
    this.activeSource = this.fetchSession;
    this.generation++;
    this.session = undefined;
    this.pending = undefined;
    clearTimeout(this.refreshTimer);
    if (this.fetchSession) void this.refreshSession().catch(() => undefined);
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('resolvedTheme')) {
      for (const name of this.appliedTokens) if (!(name in this.resolvedTheme.tokens)) this.style.removeProperty(name);
      for (const [name, value] of Object.entries(this.resolvedTheme.tokens)) this.style.setProperty(name, value);
      this.appliedTokens = Object.keys(this.resolvedTheme.tokens);
      this.dataset.mode = this.resolvedTheme.mode;
      const { name, mode, logo } = this.resolvedTheme;
      this.emit('msp-theme-change', { name, mode, logo: logo ?? null });
    }
  }

  /** Reads the tenant theme again (after a designer saved it, say); nothing to do for a preset or record. */
  async refreshTheme(): Promise<void> {
    if (this.theme !== TENANT_THEME) return;
    await this.loadTenantTheme();
  }

  /** A session arrived: the tenant theme is (re)loaded when it belongs to someone else. */
  private sessionStarted(token: string): void {
    if (this.theme !== TENANT_THEME) return;
    const subject = sessionSubject(token) ?? `session-${this.generation}`;
    if (subject !== this.tenantThemeFor) void this.loadTenantTheme(subject);
  }

  private async loadTenantTheme(subject?: string): Promise<void> {
    const api = this.api;
    if (!api) return;
    const load = ++this.themeLoads;
    const current = () => load === this.themeLoads && this.theme === TENANT_THEME && this.api === api;
    this.tenantThemeFor = subject ?? this.tenantThemeFor ?? (this.session ? sessionSubject(this.session.token) ?? `session-${this.generation}` : undefined);
    try {
      const orgId = this.tenantOrgId || (await api.me()).org.id;
      const answer = await api.json<TenantThemeAnswer>(`/v1/themes/${encodeURIComponent(orgId)}`);
      if (!current()) return;
      const mode = (answer.resolved as { mode?: string }).mode;
      const base: PresetName = (presetNames as readonly string[]).includes(mode ?? '') ? (mode as PresetName) : 'light';
      this.resolvedTheme = {
        name: 'custom',
        mode: base as ThemeMode,
        // The preset underneath keeps any token the answer does not name (band colours, say).
        tokens: { ...themeTokens(base), ...answer.tokens },
        logo: answer.logo?.url ? api.url(answer.logo.url) : null,
      };
    } catch (error) {
      if (!current()) return;
      this.resolvedTheme = resolveTheme('light');
      const e = toApiError(error);
      this.emit('msp-error', { ...e.detail, message: `The organisation's theme could not be loaded; showing the light theme. ${e.message}` });
    }
  }

  /** Fetches a new session now (reports failures as `msp-error`). */
  async refreshSession(): Promise<void> {
    await this.renew(true);
  }

  /** A token valid for at least the refresh margin. */
  private async token(): Promise<string> {
    if (this.session && this.session.expiresAt - Date.now() > REFRESH_MARGIN_MS) return this.session.token;
    if (this.pending) return this.pending;
    return this.renew(false);
  }

  /** One session fetch at a time; every caller waits for the same one. */
  private renew(report: boolean): Promise<string> {
    if (this.pending) return this.pending;
    const fetchSession = this.fetchSession;
    const generation = this.generation;
    if (!fetchSession) return Promise.reject(new ApiError('authentication_error', 'No fetchSession callback is set on <msp-provider>.'));
    const attempt = (async () => {
      let session: EmbedSession;
      try {
        session = await fetchSession();
      } catch (error) {
        throw new ApiError('authentication_error', `Could not get a session: ${error instanceof Error ? error.message : String(error)}`);
      }
      const expiresAt = Date.parse(session?.expiresAt);
      if (!session || typeof session.token !== 'string' || !session.token || Number.isNaN(expiresAt)) {
        throw new ApiError('authentication_error', 'fetchSession must resolve to { token, expiresAt }.');
      }
      if (generation !== this.generation) return session.token;
      this.session = { token: session.token, expiresAt };
      this.scheduleRefresh(expiresAt);
      this.emit('msp-session', { expiresAt: session.expiresAt });
      this.sessionStarted(session.token);
      return session.token;
    })();
    this.pending = attempt;
    attempt.then(
      () => {
        if (this.pending === attempt) this.pending = undefined;
      },
      (error: unknown) => {
        if (this.pending === attempt) this.pending = undefined;
        if (report && error instanceof ApiError) this.emit('msp-error', error.detail);
      },
    );
    return attempt;
  }

  private scheduleRefresh(expiresAt: number): void {
    clearTimeout(this.refreshTimer);
    if (!this.isConnected) return;
    const delay = Math.max(0, expiresAt - Date.now() - REFRESH_MARGIN_MS);
    // setTimeout overflows past ~24.8 days; sessions last at most an hour.
    this.refreshTimer = setTimeout(() => void this.refreshSession().catch(() => undefined), Math.min(delay, 2 ** 31 - 1));
  }

  protected override render() {
    return html`<slot></slot>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'msp-provider': MspProvider;
  }
}

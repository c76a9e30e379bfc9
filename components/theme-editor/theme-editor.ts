import { consume } from '@lit/context';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { colourFields, fieldRules, lengthRanges, MIN_CONTRAST, normaliseField, themeFields, type ColourField, type ContrastPair, type ThemeField, type ThemeValues } from '../../bff/domain/theme.js';
import type { ApiClient, Versioned } from '../core/api-client.js';
import type { Licence, ThemeUpdate } from '../core/api-types.js';
import { MspElement } from '../core/base-element.js';
import { apiContext } from '../core/context.js';
import { toApiError, type ApiError, type MspErrorDetail } from '../core/errors.js';
import { formatNumber } from '../core/format.js';
import { emptyState, errorState, loadingState } from '../core/states.js';
import { styleProps } from '../core/style-props.js';
import {
  designTokens,
  draftOf,
  logoFileProblem,
  parseHexInput,
  radiusPixels,
  RADIUS_MAX_PX,
  resolveDraft,
  safeFontStacks,
  safeStackOf,
  sameDraft,
  sixDigitHex,
  type DraftResolution,
  type ThemeDraft,
} from './draft.js';
import { readTheme, removeLogo, saveTheme, uploadLogo, type ThemeAnswer } from './theme-api.js';
import styles from './theme-editor.styles.js';

/** Whose theme a save changes when the host offers both: the customer's own, or the seller's fleet theme. */
export type ThemeTarget = 'customer' | 'fleet';

export interface ThemeSavedDetail {
  orgId: string;
  target: ThemeTarget;
  /** What changed: the theme values, or the logo. */
  change: 'theme' | 'logo';
  theme: ThemeAnswer;
}

declare module '../core/base-element.js' {
  interface MspEventMap {
    'msp-theme-saved': ThemeSavedDetail;
  }
}

const fieldLabels: Record<ThemeField, string> = {
  colorPrimary: 'Primary colour',
  colorAccent: 'Accent colour',
  colorBackground: 'Background',
  colorText: 'Text',
  colorDanger: 'Danger',
  colorWarning: 'Warning',
  colorSuccess: 'Success',
  fontFamily: 'Font',
  borderRadius: 'Corner radius',
  spacingUnit: 'Spacing unit',
  mode: 'Mode',
};

const tokenNames: Record<string, string> = {
  '--msp-color-text': 'Text',
  '--msp-color-text-muted': 'Muted text',
  '--msp-color-on-primary': 'Text on primary',
  '--msp-color-primary': 'Primary',
  '--msp-color-background': 'background',
  '--msp-color-surface': 'surface',
  '--msp-color-danger': 'Danger',
  '--msp-color-warning': 'Warning',
  '--msp-color-success': 'Success',
  '--msp-color-band-customer': 'customer band',
  '--msp-color-band-commercial': 'commercial band',
  '--msp-color-band-security': 'security band',
};
const tokenName = (t: string) => tokenNames[t] ?? t.replace(/^--msp-color-/, '');
/** "Text on primary on primary" reads badly: the pair's name without the repeat. */
export const pairName = (p: Pick<ContrastPair, 'text' | 'background'>) =>
  p.text === '--msp-color-on-primary' ? 'Text on primary' : `${tokenName(p.text)} on ${tokenName(p.background)}`;
const ratioText = (r: number, locale: string) => `${formatNumber(r, locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 })}:1`;

const brandFields = ['colorPrimary', 'colorAccent'] as const satisfies readonly ColourField[];
const advancedFields = ['colorBackground', 'colorText', 'colorDanger', 'colorWarning', 'colorSuccess'] as const satisfies readonly ColourField[];

/** What the preview's licence meter shows when there is no customer to ask about (a fleet theme without a sample customer). */
const sampleLicence: Licence = {
  model: 'per_asset',
  plan: 'purchased',
  quota: 50,
  used: 46,
  remaining: 4,
  use: 0.92,
  warnAt: 0.9,
  level: 'warning',
  period: null,
  trial: null,
  connectionLost: false,
} as Licence;

type Notice = { kind: 'success' | 'error'; message: string };

interface Conflict {
  theirs: Versioned<ThemeAnswer>;
}

/**
 * Edits an org's theme: the logo, the brand colour pair, the page and status colours, the font,
 * the corner radius and light or dark mode, with a live preview of real Portico widgets and the
 * contrast of every text/background pair. The draft resolves with the BFF's own fallback chain
 * and contrast check (bff/domain/theme.ts), so what the editor shows is what the BFF will store:
 * a theme with a pair below 4.5:1 cannot be saved. Saves carry `If-Match`; when someone else
 * saved meanwhile, the user loads theirs or overwrites with theirs as the base.
 *
 * With `fleet-org-id` beside `org-id` the user chooses where the theme applies: the customer
 * only, or the whole fleet (the seller's theme every customer without its own values inherits).
 *
 * Needs an `<msp-provider>` ancestor. Read-only without the `themes:manage` permission.
 *
 * @summary Theme editor with live preview, contrast check and design-token export.
 *
 * @event {CustomEvent<ThemeSavedDetail>} msp-theme-saved - The theme or its logo was saved; `theme` is the BFF's answer.
 * @event {CustomEvent<{type, message, status?}>} msp-error - A request failed (also shown inline).
 *
 * @csspart editor - The form.
 * @csspart field - Each field.
 * @csspart logo - The logo field (current logo, file input, drop zone).
 * @csspart preview - The region styled by the draft's tokens.
 * @csspart contrast - The contrast table.
 * @csspart conflict - The notice after a conflicting save.
 * @csspart notice - Result of the last action.
 * @csspart button - Every button.
 * @csspart state - Loading and error boxes.
 *
 * @cssproperty --msp-color-primary - Buttons of the editor itself (the preview uses the draft's).
 * @cssproperty --msp-color-danger - Field errors and failing contrast pairs.
 * @cssproperty --msp-color-success - Passing contrast pairs.
 */
export class MspThemeEditor extends MspElement {
  static override styles = styles;

  /** The org whose theme is edited: a customer, or a seller (its own theme is its fleet theme). */
  @property({ attribute: 'org-id', reflect: true }) orgId = '';
  /** The seller's org: given beside `org-id`, the user chooses between the customer and the whole fleet. */
  @property({ attribute: 'fleet-org-id', reflect: true }) fleetOrgId = '';
  /** Names for the choice and the preview (optional). */
  @property({ attribute: 'org-name' }) orgName = '';
  @property({ attribute: 'fleet-name' }) fleetName = '';
  /** Which theme a save changes when both orgs are given. */
  @property({ reflect: true }) target: ThemeTarget = 'customer';
  /** The customer whose licence the preview's meter shows (default: the customer being edited). */
  @property({ attribute: 'preview-customer-id' }) previewCustomerId = '';
  /** No editing, whatever the permissions. */
  @property({ type: Boolean, reflect: true }) readonly = false;

  @consume({ context: apiContext, subscribe: true })
  @state()
  private api: ApiClient | undefined;

  @state() private loaded: Versioned<ThemeAnswer> | undefined;
  /** The values the org inherits (its seller's fleet theme); null = the preset. */
  @state() private inherited: ThemeValues | null = null;
  @state() private draft: ThemeDraft = draftOf(null);
  /** Text typed into a field that is not (yet) an acceptable value. */
  @state() private raw: Partial<Record<ThemeField, string>> = {};
  /** Fields whose typed text is checked and its problem shown (after `change`, not while typing). */
  @state() private touched = new Set<ThemeField>();
  @state() private customFont = false;
  @state() private serverErrors: Partial<Record<ThemeField, string>> = {};
  @state() private refused: ContrastPair[] = [];
  @state() private phase: 'idle' | 'loading' | 'ready' | 'error' = 'idle';
  @state() private loadError: MspErrorDetail | undefined;
  @state() private busy: 'save' | 'logo' | null = null;
  @state() private conflict: Conflict | undefined;
  @state() private notice: Notice | undefined;
  @state() private canManage: boolean | undefined;
  @state() private logoProblem = '';
  /** The chosen file while it uploads (a data: URL: a page's CSP allows those for images, not blob:). */
  @state() private logoPending = '';
  @state() private dropping = false;
  @state() private advancedOpen = false;

  private controller: AbortController | undefined;
  /** Changes to carry over when the user switches between customer and fleet with a draft. */
  private carry: Partial<ThemeDraft> | undefined;

  /** Both orgs given and different: the user chooses where the theme applies. */
  get hasTargetChoice(): boolean {
    return !!this.orgId && !!this.fleetOrgId && this.orgId !== this.fleetOrgId;
  }

  /** The org a save goes to. */
  get activeOrgId(): string {
    if (this.hasTargetChoice) return this.target === 'fleet' ? this.fleetOrgId : this.orgId;
    return this.orgId || this.fleetOrgId;
  }

  /** The theme as last loaded or saved. */
  get theme(): ThemeAnswer | undefined {
    return this.loaded?.value;
  }

  /** The draft resolved: every value, where it comes from, the tokens and the contrast report. */
  get resolution(): DraftResolution {
    return resolveDraft(this.validDraft(), this.inherited, this.ownIsFleet);
  }

  /** The draft's `--msp-*` tokens (what the preview region carries). */
  get previewTokens(): Record<string, string> {
    return this.resolution.tokens;
  }

  private get editable(): boolean {
    return !this.readonly && this.canManage !== false && !!this.loaded && this.busy === null;
  }

  private get readOnlyMode(): boolean {
    return this.readonly || this.canManage === false;
  }

  /** Whether the edited row is a seller's (the fleet theme of its customers). */
  private get ownIsFleet(): boolean {
    if (this.hasTargetChoice) return this.target === 'fleet';
    if (this.fleetOrgId && this.activeOrgId === this.fleetOrgId) return true;
    const t = this.loaded?.value;
    if (!t) return false;
    const set = themeFields.find((f) => t.own[f] != null);
    if (set) return t.sources[set] === 'fleet';
    return t.fleetOrgId === null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Moved in the page while loading: the load was cancelled, start it again.
    if (this.hasUpdated && !this.loaded) this.requestUpdate();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.controller?.abort();
    if (this.phase === 'loading') this.phase = 'idle';
  }

  protected override firstUpdated(): void {
    // The preview's meter is its own chunk: the editor's entry stays small.
    void import('../license-meter/define.js');
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const orgChanged = changed.has('orgId') || changed.has('fleetOrgId') || changed.has('target');
    if (orgChanged && this.loaded && this.loaded.value.orgId !== this.activeOrgId) {
      // A switch between customer and fleet keeps what the user changed: it is the same design,
      // applied elsewhere. A new org from the host starts afresh.
      const targetOnly = !changed.has('orgId') && !changed.has('fleetOrgId');
      this.carry = targetOnly ? this.changedFields() : undefined;
      this.loaded = undefined;
      this.phase = 'idle';
    }
    if (this.isConnected && this.api && this.activeOrgId && !this.loaded && this.phase === 'idle') void this.refresh();
  }

  /** Loads the theme (and the fleet theme it inherits) again; the draft follows it. */
  async refresh(): Promise<void> {
    const api = this.api;
    const orgId = this.activeOrgId;
    if (!api || !orgId) return;
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    this.phase = 'loading';
    this.loadError = undefined;
    try {
      const [theme, me] = await Promise.all([
        readTheme(api, orgId, controller.signal),
        this.canManage === undefined ? api.me().catch(() => null) : Promise.resolve(null),
      ]);
      if (me) this.canManage = me.permissions.includes('themes:manage');
      const inherited = await this.inheritedOf(theme.value, controller.signal);
      if (controller.signal.aborted) return;
      this.inherited = inherited;
      this.show(theme);
      if (this.carry) {
        this.draft = { ...this.draft, ...this.carry };
        this.carry = undefined;
      }
      this.phase = 'ready';
    } catch (error) {
      if (controller.signal.aborted) return;
      const e = toApiError(error);
      this.phase = 'error';
      this.loadError = e.detail;
      this.emit('msp-error', e.detail);
    }
  }

  /**
   * The values the org inherits: its seller's own row. Someone who cannot read the seller's
   * theme (a customer's user) still sees where its inherited values came from in the answer's
   * `sources`; values it overrides then fall back to the preset when reset.
   */
  private async inheritedOf(theme: ThemeAnswer, signal: AbortSignal): Promise<ThemeValues | null> {
    const api = this.api;
    if (!theme.fleetOrgId || theme.fleetOrgId === theme.orgId || !api) return null;
    try {
      return (await readTheme(api, theme.fleetOrgId, signal)).value.own;
    } catch {
      const values: ThemeValues = {};
      for (const f of themeFields) if (theme.sources[f] === 'fleet' && theme.own[f] == null) values[f] = theme.resolved[f];
      return values;
    }
  }

  private show(loaded: Versioned<ThemeAnswer>): void {
    this.loaded = loaded;
    this.draft = draftOf(loaded.value.own);
    this.raw = {};
    this.touched = new Set();
    this.serverErrors = {};
    this.refused = [];
    this.customFont = this.draft.fontFamily !== null && !safeStackOf(this.draft.fontFamily);
  }

  /** The draft without values that do not pass the BFF's grammar (those are shown as errors, not applied). */
  private validDraft(): ThemeDraft {
    const d = { ...this.draft };
    for (const f of themeFields) if (d[f] !== null && normaliseField(f, d[f]) === null) d[f] = null;
    return d;
  }

  private changedFields(): Partial<ThemeDraft> {
    const base = draftOf(this.loaded?.value.own);
    const out: Partial<ThemeDraft> = {};
    for (const f of themeFields) if (this.draft[f] !== base[f]) out[f] = this.draft[f];
    return out;
  }

  private get dirty(): boolean {
    return !!this.loaded && !sameDraft(this.draft, draftOf(this.loaded.value.own));
  }

  /** A field's problem: typed text that is not a value, or the BFF's error for it. */
  private fieldProblem(field: ThemeField): string | undefined {
    const raw = this.raw[field];
    if (raw !== undefined && this.touched.has(field) && this.parse(field, raw) === null) return this.ruleText(field);
    return this.serverErrors[field];
  }

  private ruleText(field: ThemeField): string {
    if ((colourFields as readonly string[]).includes(field)) return 'Enter a colour as #rgb or #rrggbb, such as #0b5cad.';
    if (field === 'fontFamily') return 'Enter font names separated by commas, such as Inter, Arial, sans-serif: letters, digits, spaces and hyphens only (no quotes inside names, semicolons, braces or url()).';
    if (field === 'borderRadius') return `Enter a whole number of pixels from 0 to ${RADIUS_MAX_PX}.`;
    return `${fieldLabels[field]} ${fieldRules[field]}.`;
  }

  private parse(field: ThemeField, text: string): string | null {
    if ((colourFields as readonly string[]).includes(field)) return parseHexInput(text);
    if (field === 'borderRadius') {
      const t = text.trim();
      return /^\d{1,2}$/.test(t) ? normaliseField('borderRadius', `${Number(t)}px`) : null;
    }
    return normaliseField(field, text);
  }

  /** Typed text that is not (yet) a value blocks saving, even before it is shown as an error. */
  private pendingTextFields(): ThemeField[] {
    return themeFields.filter((f) => this.raw[f] !== undefined && this.parse(f, this.raw[f]!) === null);
  }

  private set(field: ThemeField, value: string | null): void {
    this.draft = { ...this.draft, [field]: value };
    if (this.serverErrors[field]) {
      const { [field]: _gone, ...rest } = this.serverErrors;
      this.serverErrors = rest;
    }
    this.refused = [];
    this.notice = undefined;
  }

  private dropRaw(field: ThemeField): void {
    if (!(field in this.raw)) return;
    const { [field]: _gone, ...rest } = this.raw;
    this.raw = rest;
  }

  private onText(field: ThemeField, event: Event): void {
    const text = (event.target as HTMLInputElement).value;
    this.raw = { ...this.raw, [field]: text };
    const value = this.parse(field, text);
    if (value !== null) this.set(field, value);
    else this.notice = undefined;
  }

  /** Leaving a text field: its text is checked (and tidied when it is a value). */
  private onTextChange(field: ThemeField): void {
    const raw = this.raw[field];
    if (raw === undefined) return;
    if (this.parse(field, raw) !== null) this.dropRaw(field);
    this.touched = new Set(this.touched).add(field);
  }

  private onPicker(field: ColourField, event: Event): void {
    this.dropRaw(field);
    this.set(field, (event.target as HTMLInputElement).value.toLowerCase());
  }

  private reset(field: ThemeField): void {
    this.dropRaw(field);
    if (field === 'fontFamily') this.customFont = false;
    this.set(field, null);
    this.announce(`${fieldLabels[field]} reset to the inherited value.`);
  }

  private onFontSelect(event: Event): void {
    const value = (event.target as HTMLSelectElement).value;
    this.dropRaw('fontFamily');
    if (value === 'custom') {
      this.customFont = true;
      return;
    }
    this.customFont = false;
    this.set('fontFamily', value);
  }

  private onRadius(event: Event, fromRange: boolean): void {
    const text = (event.target as HTMLInputElement).value;
    if (fromRange) {
      this.dropRaw('borderRadius');
      this.set('borderRadius', `${Number(text)}px`);
    } else this.onText('borderRadius', event);
  }

  private announce(message: string, kind: Notice['kind'] = 'success'): void {
    this.notice = { kind, message };
  }

  // --- Saving ---------------------------------------------------------------------------------

  /** Why Save cannot run now, as sentences; empty when it can. */
  private saveBlockers(res: DraftResolution): string[] {
    const out: string[] = [];
    if (res.failing.length) {
      const n = res.failing.length;
      out.push(
        `${n} colour pair${n === 1 ? ' is' : 's are'} below ${MIN_CONTRAST}:1 (WCAG 2.2 AA): ${res.failing.map((p) => `${pairName(p)} (${ratioText(p.ratio, this.locale)})`).join(', ')}.`,
      );
    }
    const invalid = [...new Set([...this.pendingTextFields(), ...(Object.keys(this.serverErrors) as ThemeField[])])];
    if (invalid.length) out.push(`Fix ${invalid.map((f) => fieldLabels[f].toLowerCase()).join(', ')}.`);
    return out;
  }

  private async save(overwrite?: Versioned<ThemeAnswer>): Promise<void> {
    const api = this.api;
    const loaded = overwrite ?? this.loaded;
    const orgId = this.activeOrgId;
    if (!api || !loaded || !this.editable) return;
    const res = this.resolution;
    if (this.saveBlockers(res).length || (!this.dirty && !overwrite)) return;
    this.busy = 'save';
    this.notice = undefined;
    try {
      const body = this.validDraft() as ThemeUpdate;
      const saved = await saveTheme(api, orgId, body, loaded.etag ?? `"${loaded.value.version}"`);
      this.show(saved);
      this.conflict = undefined;
      this.announce(`Theme saved for ${this.targetName()}.`);
      this.emit('msp-theme-saved', { orgId, target: this.ownIsFleet ? 'fleet' : 'customer', change: 'theme', theme: saved.value });
    } catch (error) {
      await this.failed(toApiError(error));
    } finally {
      this.busy = null;
    }
  }

  /** A refused save: the field at fault, the pairs that fail, a conflict, or a missing right. */
  private async failed(e: ApiError): Promise<void> {
    this.emit('msp-error', e.detail);
    const problem = e.problem as (typeof e.problem & { contrast?: ContrastPair[]; current?: ThemeAnswer }) | undefined;
    if (e.status === 412) {
      const current = problem?.current;
      let theirs: Versioned<ThemeAnswer> | undefined = current && typeof current.version === 'number' ? { value: current, etag: `"${current.version}"` } : undefined;
      if (!theirs && this.api) theirs = await readTheme(this.api, this.activeOrgId).catch(() => undefined);
      if (theirs) this.conflict = { theirs };
      else this.announce('Someone else saved this theme meanwhile; reload to see their version.', 'error');
      return;
    }
    if (e.status === 403) {
      this.canManage = false;
      this.announce('You may look at this theme but not change it.', 'error');
      return;
    }
    if (e.status === 400 && problem?.contrast?.length) {
      this.refused = problem.contrast;
      this.announce(e.message, 'error');
      return;
    }
    const errors: Partial<Record<ThemeField, string>> = {};
    const unclaimed: string[] = [];
    for (const err of problem?.errors ?? []) {
      const field = /^#\/body\/(\w+)$/.exec(err.pointer)?.[1] as ThemeField | undefined;
      if (field && (themeFields as readonly string[]).includes(field)) errors[field] = `${fieldLabels[field]} ${err.detail}.`;
      else unclaimed.push(err.detail);
    }
    this.serverErrors = errors;
    const first = themeFields.find((f) => errors[f]);
    if (first) {
      if ((advancedFields as readonly string[]).includes(first)) this.advancedOpen = true;
      if (first === 'fontFamily') this.customFont = true;
      this.focusAfterSave = first;
    }
    this.announce(unclaimed.length ? `${e.message} ${unclaimed.join(' ')}` : e.message, 'error');
  }

  /** Focus goes to the first field at fault once the save has ended (its control is disabled until then). */
  private focusAfterSave: ThemeField | undefined;

  protected override updated(): void {
    if (this.focusAfterSave && this.busy === null) {
      this.controlOf(this.focusAfterSave)?.focus();
      this.focusAfterSave = undefined;
    }
  }

  private controlOf(field: ThemeField): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>(`[data-control="${field}"]`);
  }

  /** After a conflict: the draft becomes theirs. */
  private loadTheirs(): void {
    const c = this.conflict;
    if (!c) return;
    this.conflict = undefined;
    this.show(c.theirs);
    this.announce('Their version is loaded; your changes were discarded.');
  }

  /** After a conflict: save the draft again, now against their version. */
  private keepMine(): void {
    const c = this.conflict;
    if (!c) return;
    this.loaded = c.theirs;
    void this.save(c.theirs);
  }

  private discard(): void {
    if (!this.loaded) return;
    this.show(this.loaded);
    this.conflict = undefined;
    this.announce('Changes discarded.');
  }

  private targetName(): string {
    if (this.ownIsFleet) return this.fleetName ? `the whole fleet of ${this.fleetName}` : 'the whole fleet';
    return this.orgName || 'this customer';
  }

  // --- Logo -----------------------------------------------------------------------------------

  private async chooseLogo(file: File | undefined): Promise<void> {
    if (!file || !this.editable) return;
    const problem = logoFileProblem(file);
    this.logoProblem = problem ?? '';
    if (problem) return;
    const api = this.api!;
    const loaded = this.loaded!;
    const orgId = this.activeOrgId;
    this.busy = 'logo';
    this.notice = undefined;
    this.logoPending = await dataUrl(file).catch(() => '');
    try {
      const saved = await uploadLogo(api, orgId, file, loaded.etag ?? `"${loaded.value.version}"`);
      this.takeLogoAnswer(saved);
      this.announce(`Logo “${file.name}” uploaded.`);
      this.emit('msp-theme-saved', { orgId, target: this.ownIsFleet ? 'fleet' : 'customer', change: 'logo', theme: saved.value });
    } catch (error) {
      const e = toApiError(error);
      this.emit('msp-error', e.detail);
      this.logoProblem = e.status === 412 ? 'Someone saved this theme meanwhile. Reload it, then upload the logo again.' : e.message;
    } finally {
      this.busy = null;
      this.logoPending = '';
    }
  }

  private async dropLogo(): Promise<void> {
    const api = this.api;
    const loaded = this.loaded;
    if (!api || !loaded || !this.editable) return;
    const orgId = this.activeOrgId;
    this.busy = 'logo';
    this.logoProblem = '';
    try {
      const saved = await removeLogo(api, orgId, loaded.etag ?? `"${loaded.value.version}"`);
      this.takeLogoAnswer(saved);
      this.announce('Logo removed.');
      this.emit('msp-theme-saved', { orgId, target: this.ownIsFleet ? 'fleet' : 'customer', change: 'logo', theme: saved.value });
    } catch (error) {
      const e = toApiError(error);
      this.emit('msp-error', e.detail);
      this.logoProblem = e.message;
    } finally {
      this.busy = null;
    }
  }

  /** A logo change answers the whole theme with a new version; the user's unsaved values stay in the draft. */
  private takeLogoAnswer(saved: Versioned<ThemeAnswer>): void {
    const draft = this.draft;
    const raw = this.raw;
    this.loaded = saved;
    this.draft = draft;
    this.raw = raw;
  }

  private onDragOver(event: DragEvent): void {
    if (!this.editable) return;
    event.preventDefault();
    this.dropping = true;
  }

  private onDrop(event: DragEvent): void {
    event.preventDefault();
    this.dropping = false;
    void this.chooseLogo(event.dataTransfer?.files[0]);
  }

  // --- Export ---------------------------------------------------------------------------------

  /** The resolved draft as a W3C design-token document (the structure of themes/light.json). */
  exportTokens(): Record<string, unknown> {
    const res = this.resolution;
    return designTokens(res.preset, res.tokens, `Theme of ${this.ownIsFleet ? this.fleetName || 'the fleet' : this.orgName || this.activeOrgId}, exported from Portico.`);
  }

  private exportText(): string {
    return `${JSON.stringify(this.exportTokens(), null, 2)}\n`;
  }

  private exportFileName(): string {
    const name = (this.ownIsFleet ? this.fleetName || 'fleet' : this.orgName || this.activeOrgId).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    return `${name || 'theme'}.tokens.json`;
  }

  private download(): void {
    const url = URL.createObjectURL(new Blob([this.exportText()], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = this.exportFileName();
    a.hidden = true;
    this.renderRoot.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 0);
    this.announce(`Tokens downloaded as ${a.download}.`);
  }

  private async copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.exportText());
      this.announce('Tokens copied to the clipboard as JSON.');
    } catch {
      this.announce('The browser did not allow copying; use Download instead.', 'error');
    }
  }

  // --- Rendering ------------------------------------------------------------------------------

  private sourceText(field: ThemeField, res: DraftResolution): string {
    if (this.draft[field] !== null) return this.ownIsFleet ? 'Set for the whole fleet' : 'Set for this customer';
    if (res.sources[field] === 'fleet') return 'Inherited from the fleet theme';
    return `Preset (${res.preset})`;
  }

  private fieldHead(field: ThemeField, res: DraftResolution, labelFor: string | null): TemplateResult {
    const label = fieldLabels[field];
    return html`<div class="field-head">
      ${labelFor ? html`<label for=${labelFor}>${label}</label>` : html`<span class="label">${label}</span>`}
      <span class="source" id="${field}-source" data-source=${this.draft[field] !== null ? 'own' : res.sources[field]}>${this.sourceText(field, res)}</span>
      ${this.draft[field] !== null && !this.readOnlyMode
        ? html`<button type="button" class="link" part="button" data-reset=${field} ?disabled=${!this.editable} @click=${() => this.reset(field)}>
            Reset to inherited<span class="visually-hidden">: ${label}</span>
          </button>`
        : nothing}
    </div>`;
  }

  private errorOf(field: ThemeField): TemplateResult | typeof nothing {
    const problem = this.fieldProblem(field);
    return problem ? html`<span class="error" id="${field}-error" data-error=${field}>${problem}</span>` : nothing;
  }

  private describedBy(field: ThemeField, ...extra: string[]): string {
    return [`${field}-source`, ...extra, this.fieldProblem(field) ? `${field}-error` : ''].filter(Boolean).join(' ');
  }

  private renderColour(field: ColourField, res: DraftResolution): TemplateResult {
    const value = res.values[field];
    const problem = this.fieldProblem(field);
    const disabled = !this.editable;
    return html`<div class="field colour" part="field" data-field=${field}>
      ${this.fieldHead(field, res, `${field}-hex`)}
      <div class="colour-inputs">
        <input
          type="color"
          id="${field}-picker"
          class="picker"
          aria-label="${fieldLabels[field]} picker"
          .value=${sixDigitHex(value)}
          ?disabled=${disabled}
          @input=${(e: Event) => this.onPicker(field, e)}
        />
        <input
          type="text"
          id="${field}-hex"
          class="hex"
          data-control=${field}
          inputmode="text"
          autocomplete="off"
          spellcheck="false"
          maxlength="7"
          size="8"
          .value=${this.raw[field] ?? value}
          ?disabled=${disabled}
          aria-invalid=${problem ? 'true' : 'false'}
          aria-describedby=${this.describedBy(field)}
          @input=${(e: Event) => this.onText(field, e)}
          @change=${() => this.onTextChange(field)}
        />
      </div>
      ${this.errorOf(field)}
    </div>`;
  }

  private renderFont(res: DraftResolution): TemplateResult {
    const value = res.values.fontFamily;
    const stack = this.customFont ? undefined : safeStackOf(value);
    const disabled = !this.editable;
    const problem = this.fieldProblem('fontFamily');
    return html`<div class="field" part="field" data-field="fontFamily">
      ${this.fieldHead('fontFamily', res, 'fontFamily-select')}
      <select id="fontFamily-select" ?disabled=${disabled} aria-describedby="fontFamily-source" @change=${this.onFontSelect}>
        ${safeFontStacks.map((s) => html`<option value=${s.value} ?selected=${stack === s.value}>${s.label}</option>`)}
        <option value="custom" ?selected=${!stack}>Custom font stack…</option>
      </select>
      ${!stack
        ? html`<label for="fontFamily-custom" class="sub-label">Custom font stack</label>
            <input
              type="text"
              id="fontFamily-custom"
              data-control="fontFamily"
              autocomplete="off"
              spellcheck="false"
              maxlength="200"
              .value=${this.raw.fontFamily ?? value}
              ?disabled=${disabled}
              aria-invalid=${problem ? 'true' : 'false'}
              aria-describedby=${this.describedBy('fontFamily', 'fontFamily-hint')}
              @input=${(e: Event) => this.onText('fontFamily', e)}
              @change=${() => this.onTextChange('fontFamily')}
            />
            <span class="hint" id="fontFamily-hint">Font names separated by commas, ending with a generic family such as sans-serif. Fonts must be installed or loaded by the page.</span>`
        : nothing}
      ${this.errorOf('fontFamily')}
    </div>`;
  }

  private renderRadius(res: DraftResolution): TemplateResult {
    const px = radiusPixels(res.values.borderRadius);
    const disabled = !this.editable;
    const problem = this.fieldProblem('borderRadius');
    const max = lengthRanges.borderRadius.px[1];
    return html`<div class="field" part="field" data-field="borderRadius">
      ${this.fieldHead('borderRadius', res, 'borderRadius-number')}
      <div class="radius-inputs">
        <input
          type="range"
          id="borderRadius-range"
          min="0"
          max=${max}
          step="1"
          .value=${String(px)}
          ?disabled=${disabled}
          aria-label="Corner radius slider"
          aria-valuetext="${px} pixels"
          @input=${(e: Event) => this.onRadius(e, true)}
        />
        <span class="number-unit">
          <input
            type="number"
            id="borderRadius-number"
            data-control="borderRadius"
            min="0"
            max=${max}
            step="1"
            inputmode="numeric"
            .value=${this.raw.borderRadius ?? String(px)}
            ?disabled=${disabled}
            aria-invalid=${problem ? 'true' : 'false'}
            aria-describedby=${this.describedBy('borderRadius', 'borderRadius-unit')}
            @input=${(e: Event) => this.onRadius(e, false)}
            @change=${() => this.onTextChange('borderRadius')}
          />
          <span id="borderRadius-unit">px</span>
        </span>
      </div>
      ${this.errorOf('borderRadius')}
    </div>`;
  }

  private renderMode(res: DraftResolution): TemplateResult {
    const disabled = !this.editable;
    return html`<fieldset class="field mode" part="field" data-field="mode" aria-describedby="mode-source mode-hint">
      <legend class="visually-hidden">Mode</legend>
      ${this.fieldHead('mode', res, null)}
      <div class="choices">
        ${(['light', 'dark'] as const).map(
          (m) => html`<label class="choice"
            ><input
              type="radio"
              name="mode"
              value=${m}
              data-control=${m === 'light' ? 'mode' : nothing}
              .checked=${res.values.mode === m}
              ?disabled=${disabled}
              @change=${() => this.set('mode', m)}
            />
            ${m === 'light' ? 'Light' : 'Dark'}</label
          >`,
        )}
      </div>
      <span class="hint" id="mode-hint">The mode picks the preset under the values left unset; colours set here stay as they are.</span>
    </fieldset>`;
  }

  private renderTarget(): TemplateResult | typeof nothing {
    if (!this.hasTargetChoice) return nothing;
    const choice = (value: ThemeTarget, label: string, hint: string) =>
      html`<label class="choice target-choice">
        <input type="radio" name="target" value=${value} .checked=${this.target === value} ?disabled=${this.busy !== null} @change=${() => this.switchTarget(value)} />
        <span><strong>${label}</strong><span class="hint">${hint}</span></span>
      </label>`;
    return html`<fieldset class="target" part="field">
      <legend>Apply to</legend>
      ${choice('customer', this.orgName ? `This customer: ${this.orgName}` : 'This customer', 'Only this customer; values you leave unset follow the fleet theme.')}
      ${choice('fleet', this.fleetName ? `Whole fleet: ${this.fleetName}` : 'Whole fleet', 'Every customer, except values a customer sets for itself.')}
    </fieldset>`;
  }

  private switchTarget(target: ThemeTarget): void {
    if (this.target === target) return;
    const carried = this.dirty;
    this.target = target;
    this.announce(carried ? `Your changes now apply to ${target === 'fleet' ? 'the whole fleet' : 'this customer'}; nothing is saved yet.` : `Editing the theme of ${target === 'fleet' ? 'the whole fleet' : 'this customer'}.`);
  }

  private renderLogo(t: ThemeAnswer): TemplateResult {
    const logo = t.logo ?? null;
    const own: 'customer' | 'fleet' = this.ownIsFleet ? 'fleet' : 'customer';
    const mine = !!logo && logo.source === own;
    const base = this.api?.apiBase ?? '';
    const src = this.logoPending || (logo ? `${base}${logo.url}` : '');
    const ro = this.readOnlyMode;
    return html`<fieldset class="field logo" part="logo">
      <legend>Logo</legend>
      <div class="logo-current">
        ${src
          ? html`<img class="logo-image" src=${src} alt=${this.logoPending ? 'The logo being uploaded' : 'Current logo'} />`
          : html`<span class="logo-none">No logo</span>`}
        <span class="source" id="logo-source"
          >${this.logoPending ? 'Uploading…' : !logo ? 'None set: the portal name is shown' : mine ? (own === 'fleet' ? 'Set for the whole fleet' : 'Set for this customer') : 'Inherited from the fleet theme'}</span
        >
        ${mine && !ro
          ? html`<button type="button" class="button secondary" part="button" ?disabled=${!this.editable} @click=${() => void this.dropLogo()}>Remove logo</button>`
          : nothing}
      </div>
      ${ro
        ? nothing
        : html`<div
            class="drop"
            ?data-over=${this.dropping}
            @dragover=${this.onDragOver}
            @dragleave=${() => (this.dropping = false)}
            @drop=${this.onDrop}
          >
            <label for="logo-file">${logo && mine ? 'Replace the logo' : 'Upload a logo'}</label>
            <input
              type="file"
              id="logo-file"
              data-control="logo"
              accept="image/png,image/jpeg,image/svg+xml,.png,.jpg,.jpeg,.svg"
              ?disabled=${!this.editable}
              aria-invalid=${this.logoProblem ? 'true' : 'false'}
              aria-describedby="logo-hint${this.logoProblem ? ' logo-error' : ''}"
              @change=${(e: Event) => {
                const input = e.target as HTMLInputElement;
                void this.chooseLogo(input.files?.[0]).finally(() => (input.value = ''));
              }}
            />
            <span class="hint" id="logo-hint">Or drop a file here. PNG, JPEG or SVG, at most 1 MB; a wide logo on a transparent background works best.</span>
          </div>`}
      ${this.logoProblem ? html`<span class="error" id="logo-error" role="alert">${this.logoProblem}</span>` : nothing}
    </fieldset>`;
  }

  private renderContrast(res: DraftResolution): TemplateResult {
    const loc = this.locale;
    return html`<div class="table-scroll">
      <table class="contrast" part="contrast" id="contrast" tabindex="-1">
        <caption>
          Contrast of every text and background pair (at least ${MIN_CONTRAST}:1)
        </caption>
        <thead>
          <tr>
            <th scope="col">Pair</th>
            <th scope="col">Sample</th>
            <th scope="col" class="num">Ratio</th>
            <th scope="col">Result</th>
          </tr>
        </thead>
        <tbody>
          ${res.contrast.map(
            (p) => html`<tr data-pass=${p.pass ? 'true' : 'false'} data-pair="${p.text} ${p.background}">
              <th scope="row">${pairName(p)}</th>
              <td><span class="sample" ${styleProps({ color: p.textColour, background: p.backgroundColour })}></span><span class="visually-hidden">${p.textColour} on ${p.backgroundColour}</span></td>
              <td class="num">${ratioText(p.ratio, loc)}</td>
              <td class="verdict">${p.pass ? html`<span aria-hidden="true">✓</span> Pass` : html`<span aria-hidden="true">✗</span> Fail`}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
  }

  private renderConflict(c: Conflict): TemplateResult {
    const theirs = draftOf(c.theirs.value.own);
    const diffs = themeFields.filter((f) => theirs[f] !== this.draft[f]);
    const show = (v: string | null) => v ?? 'inherited';
    return html`<div class="note" part="conflict" data-kind="conflict" role="alert">
      <p>Someone else saved this theme while you were editing (now version ${c.theirs.value.version}). Nothing of yours was saved.</p>
      ${diffs.length
        ? html`<table>
            <thead>
              <tr>
                <th scope="col">Value</th>
                <th scope="col">Theirs</th>
                <th scope="col">Yours</th>
              </tr>
            </thead>
            <tbody>
              ${diffs.map(
                (f) => html`<tr>
                  <th scope="row">${fieldLabels[f]}</th>
                  <td>${show(theirs[f])}</td>
                  <td>${show(this.draft[f])}</td>
                </tr>`,
              )}
            </tbody>
          </table>`
        : nothing}
      <div class="buttons">
        <button type="button" class="button secondary" part="button" @click=${this.loadTheirs}>Load theirs</button>
        <button type="button" class="button" part="button" ?disabled=${this.busy !== null} @click=${this.keepMine}>Keep mine and overwrite</button>
      </div>
    </div>`;
  }

  private renderActions(res: DraftResolution): TemplateResult {
    const blockers = this.saveBlockers(res);
    const blocked = blockers.length > 0 || !this.dirty || !this.editable;
    const reason = blockers.length ? blockers : !this.dirty ? ['No changes to save yet.'] : [];
    return html`<div class="actions">
      <div class="buttons">
        <button
          type="submit"
          class="button"
          part="button"
          id="save"
          aria-disabled=${blocked ? 'true' : 'false'}
          aria-describedby=${reason.length ? 'save-reason' : nothing}
        >
          ${this.busy === 'save' ? 'Saving…' : 'Save theme'}
        </button>
        ${this.dirty ? html`<button type="button" class="button secondary" part="button" ?disabled=${this.busy !== null} @click=${this.discard}>Discard changes</button>` : nothing}
      </div>
      ${reason.length
        ? html`<div class="reason" id="save-reason" data-blocked=${blockers.length ? 'true' : 'false'}>
            ${reason.map((r) => html`<p>${r}</p>`)}
            ${res.failing.length
              ? html`<button type="button" class="link" part="button" @click=${this.showContrast}>Show the contrast table</button>`
              : nothing}
          </div>`
        : nothing}
      ${this.refused.length
        ? html`<div class="note" data-kind="error">
            <p>The server refused the theme for:</p>
            <ul>
              ${this.refused.map((p) => html`<li>${pairName(p)}: ${ratioText(p.ratio, this.locale)}</li>`)}
            </ul>
          </div>`
        : nothing}
    </div>`;
  }

  private showContrast(): void {
    const table = this.renderRoot.querySelector<HTMLElement>('#contrast');
    table?.scrollIntoView({ block: 'nearest' });
    table?.focus();
  }

  private renderPreview(res: DraftResolution, t: ThemeAnswer): TemplateResult {
    const customerId = this.previewCustomerId || (this.ownIsFleet ? '' : this.activeOrgId);
    const logo = this.logoPending || (t.logo ? `${this.api?.apiBase ?? ''}${t.logo.url}` : '');
    const name = this.ownIsFleet ? this.fleetName || 'Your portal' : this.orgName || 'Customer portal';
    return html`<section class="preview-pane" aria-labelledby="preview-title">
      <h3 id="preview-title">Preview</h3>
      <p class="muted">Portico widgets with the draft theme, before it is saved.</p>
      <div class="preview" part="preview" data-mode=${res.values.mode} ${styleProps(res.tokens)}>
        <div class="pv-header">
          ${logo ? html`<img class="pv-logo" src=${logo} alt="" />` : nothing}
          <span class="pv-name">${name}</span>
        </div>
        <div class="pv-body">
          <p>Security posture and licences at a glance. <span class="pv-link">View the report</span></p>
          <div class="buttons" inert>
            <button type="button" class="button">Primary action</button>
            <button type="button" class="button secondary">Secondary</button>
          </div>
          <table class="pv-table">
            <caption class="visually-hidden">
              Sample findings
            </caption>
            <thead>
              <tr>
                <th scope="col">Asset</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td>mail.example.com</td>
                <td class="pv-danger">Critical finding</td>
              </tr>
              <tr>
                <td>vpn.example.com</td>
                <td class="pv-warning">Certificate expires soon</td>
              </tr>
              <tr>
                <td>www.example.com</td>
                <td class="pv-success">No findings</td>
              </tr>
            </tbody>
          </table>
          <div class="pv-bands" aria-hidden="true">
            <span class="band customer">Customer</span><span class="band commercial">Commercial</span><span class="band security">Security</span>
          </div>
          ${customerId
            ? html`<msp-license-meter class="pv-meter" customer-id=${customerId}></msp-license-meter>`
            : html`<msp-license-meter class="pv-meter" .licence=${sampleLicence}></msp-license-meter>`}
        </div>
      </div>
    </section>`;
  }

  protected override render(): TemplateResult {
    const t = this.loaded?.value;
    if (!t) {
      if (this.phase === 'error' && this.loadError) return errorState(this.loadError, () => void this.refresh());
      if (this.activeOrgId) return loadingState('Loading the theme…');
      return emptyState('No organisation selected.');
    }
    const res = this.resolution;
    const ro = this.readOnlyMode;
    return html`<div class="layout">
      <form class="editor" part="editor" novalidate aria-labelledby="editor-title" aria-busy=${this.busy ? 'true' : 'false'} @submit=${this.onSubmit}>
        <h2 id="editor-title">Theme${this.ownIsFleet ? ' for the whole fleet' : this.orgName ? ` for ${this.orgName}` : ''}</h2>
        ${ro ? html`<p class="note" data-kind="read-only" id="read-only">You can see this theme but not change it: that needs the permission to manage themes.</p>` : nothing}
        ${this.renderTarget()}
        <p class="muted explain">
          Values you leave unset are inherited: a customer's from the fleet theme, the fleet theme's from the ${res.preset} preset. Each field says where its value comes from.
        </p>
        ${this.renderLogo(t)}
        <fieldset class="group" part="field">
          <legend>Brand colours</legend>
          ${brandFields.map((f) => this.renderColour(f, res))}
        </fieldset>
        <details class="advanced" ?open=${this.advancedOpen} @toggle=${(e: Event) => (this.advancedOpen = (e.target as HTMLDetailsElement).open)}>
          <summary>Advanced: page and status colours</summary>
          <div class="group">${advancedFields.map((f) => this.renderColour(f, res))}</div>
        </details>
        ${this.renderFont(res)} ${this.renderRadius(res)} ${this.renderMode(res)} ${this.conflict ? this.renderConflict(this.conflict) : nothing}
        ${ro ? nothing : this.renderActions(res)}
        <div class="export">
          <span class="label" id="export-label">Design tokens (W3C JSON)</span>
          <div class="buttons" role="group" aria-labelledby="export-label">
            <button type="button" class="button secondary" part="button" @click=${this.download}>Download tokens</button>
            <button type="button" class="button secondary" part="button" @click=${() => void this.copy()}>Copy tokens</button>
          </div>
        </div>
        <div class="live" role="status" aria-live="polite">
          ${this.notice ? html`<p class="note" part="notice" data-kind=${this.notice.kind}>${this.notice.message}</p>` : nothing}
        </div>
      </form>
      <div class="side">${this.renderPreview(res, t)} ${this.renderContrast(res)}</div>
    </div>`;
  }

  private onSubmit(event: Event): void {
    event.preventDefault();
    void this.save();
  }
}

function dataUrl(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read.'));
    reader.readAsDataURL(file);
  });
}

declare global {
  interface HTMLElementTagNameMap {
    'msp-theme-editor': MspThemeEditor;
  }
}

import { consume } from '@lit/context';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ApiClient } from '../core/api-client.js';
import type { CreatedOrg } from '../core/api-types.js';
import { MspElement } from '../core/base-element.js';
import { apiContext } from '../core/context.js';
import { toApiError } from '../core/errors.js';
import { formatDate } from '../core/format.js';
import styles from './customer-create.styles.js';
import {
  accountTypes,
  countries,
  countryName,
  delegations,
  emptyForm,
  fieldOfPointer,
  labels,
  licenceModels,
  paymentMethods,
  plans,
  requestBody,
  REVIEW_STEP,
  serviceModes,
  statesRequired,
  stepOfField,
  steps,
  TRIAL_LICENCES,
  validateStep,
  vatExample,
  vatRequired,
  type CustomerForm,
  type FieldErrors,
  type FieldName,
} from './form.js';

type Option<V extends string> = { value: V; label: string; hint?: string };

/**
 * A step-by-step form that creates a customer, enterprise or sub-partner: account type, company
 * (VAT ID required when its country differs from the MSP's, as `GET /v1/me` tells), an optional
 * main user invited by email, plan and licences, access delegation, and a review. Each step is
 * checked before the next; the BFF decides, and a field it rejects takes the form back to the
 * step holding it. One `Idempotency-Key` per run, so a double click or a retry creates one org.
 *
 * Needs an `<msp-provider>` ancestor whose session may `customers:create` (an MSP admin).
 *
 * @summary Wizard creating a customer (`POST /v1/customers`).
 *
 * @event {CustomEvent<{id, kind, customer, invite}>} msp-customer-created - The org was created
 *   (`customer` is null for a sub-partner; `invite` is null without a main user).
 * @event {CustomEvent<{type, message, status?}>} msp-error - A request failed (also shown inline).
 *
 * @csspart steps - The list of steps.
 * @csspart step - Each entry of the list (`aria-current="step"` on the current one).
 * @csspart field - Each label, control, hint and error group.
 * @csspart error - Each field's error message, and the form's.
 * @csspart actions - The Back / Next / Create row.
 * @csspart button - Back and Next; `primary-button` is the Next / Create button.
 * @csspart primary-button - Next / Create.
 * @csspart review - The review list.
 * @csspart success - What is shown once the org is created.
 */
export class MspCustomerCreate extends MspElement {
  static override styles = styles;

  /** The form's heading. */
  @property() heading = 'New customer';

  @consume({ context: apiContext, subscribe: true })
  @state()
  private api: ApiClient | undefined;

  @state() private step = 0;
  /** The furthest step reached: the step list lets the user jump back to any of them. */
  @state() private reached = 0;
  @state() private form: CustomerForm = emptyForm('');
  @state() private errors: FieldErrors = {};
  @state() private formError: string | undefined;
  @state() private submitting = false;
  @state() private created: CreatedOrg | undefined;
  /** Jumped here from the review's Edit: Next returns to the review. */
  @state() private editing = false;
  @state() private mspCountry: string | undefined;

  private idempotencyKey = crypto.randomUUID();
  private meFor: ApiClient | undefined;
  private countryTouched = false;

  /** Starts a new run: an empty form, the first step and a new `Idempotency-Key`. */
  reset(): void {
    this.form = emptyForm(this.mspCountry ?? '');
    this.countryTouched = false;
    this.idempotencyKey = crypto.randomUUID();
    this.step = 0;
    this.reached = 0;
    this.errors = {};
    this.formError = undefined;
    this.created = undefined;
    this.editing = false;
    this.focusHeading();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('api' as keyof MspCustomerCreate) && this.api && this.meFor !== this.api) {
      this.meFor = this.api;
      void this.loadMspCountry(this.api);
    }
  }

  private async loadMspCountry(api: ApiClient): Promise<void> {
    try {
      const me = await api.me();
      this.mspCountry = me.org.country;
      if (!this.countryTouched && !this.form.country) this.form = { ...this.form, country: me.org.country };
    } catch (error) {
      // Without it the VAT rule is left to the server, which still applies it.
      this.emit('msp-error', toApiError(error).detail);
    }
  }

  // ---- navigation --------------------------------------------------------------------------

  private goTo(step: number, fromReview = false): void {
    this.step = step;
    this.reached = Math.max(this.reached, step);
    this.editing = fromReview;
    this.formError = undefined;
    this.focusHeading();
  }

  private focusHeading(): void {
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.step-heading')?.focus());
  }

  private focusField(field: FieldName): void {
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`[name="${field}"]`)?.focus());
  }

  private next(): void {
    const errors = validateStep(this.step, this.form, this.mspCountry);
    this.errors = { ...this.withoutStep(this.step), ...errors };
    const first = (steps[this.step]!.fields as readonly FieldName[]).find((f) => errors[f]);
    if (first) {
      this.focusField(first);
      return;
    }
    this.goTo(this.editing ? REVIEW_STEP : this.step + 1);
  }

  private back(): void {
    if (this.step > 0) this.goTo(this.step - 1);
  }

  /** Errors of the other steps (the current one is re-checked). */
  private withoutStep(step: number): FieldErrors {
    const own = new Set<string>(steps[step]!.fields);
    return Object.fromEntries(Object.entries(this.errors).filter(([k]) => !own.has(k))) as FieldErrors;
  }

  private onSubmit(event: Event): void {
    event.preventDefault();
    if (this.step === REVIEW_STEP) void this.create();
    else this.next();
  }

  // ---- creating ----------------------------------------------------------------------------

  private async create(): Promise<void> {
    const api = this.api;
    if (!api || this.submitting) return;
    // Every step again: an Edit may have skipped the ones after it.
    for (let i = 0; i < REVIEW_STEP; i++) {
      const errors = validateStep(i, this.form, this.mspCountry);
      const first = (steps[i]!.fields as readonly FieldName[]).find((f) => errors[f]);
      if (first) {
        this.errors = { ...this.errors, ...errors };
        this.goTo(i);
        this.focusField(first);
        return;
      }
    }
    this.submitting = true;
    this.formError = undefined;
    try {
      const created = await api.createCustomer(requestBody(this.form), this.idempotencyKey);
      this.created = created;
      this.emit('msp-customer-created', { id: created.id, kind: created.kind, customer: created.customer, invite: created.invite });
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.success-heading')?.focus());
    } catch (error) {
      this.showServerError(error);
    } finally {
      this.submitting = false;
    }
  }

  /** A 400 names fields: the form goes to the first step holding one and shows each message by its field. */
  private showServerError(error: unknown): void {
    const e = toApiError(error);
    const fieldErrors: FieldErrors = {};
    const other: string[] = [];
    for (const item of e.problem?.errors ?? []) {
      const field = fieldOfPointer(item.pointer);
      if (field && !fieldErrors[field]) fieldErrors[field] = item.detail;
      else if (!field) other.push(`${item.pointer.replace(/^#\//, '')} ${item.detail}`);
    }
    const fields = Object.keys(fieldErrors) as FieldName[];
    if (e.status === 400 && fields.length) {
      this.errors = fieldErrors;
      const step = Math.min(...fields.map(stepOfField));
      const first = (steps[step]!.fields as readonly FieldName[]).find((f) => fieldErrors[f])!;
      this.goTo(step);
      if (other.length) this.formError = other.join('; ');
      this.focusField(first);
      return;
    }
    this.formError = other.length ? `${e.message} (${other.join('; ')})` : e.message;
    this.emit('msp-error', e.detail);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.form-error')?.focus());
  }

  // ---- fields ------------------------------------------------------------------------------

  private set<K extends FieldName>(field: K, value: CustomerForm[K]): void {
    const next = { ...this.form, [field]: value };
    if (field === 'country') this.countryTouched = true;
    // A trial starts with the default number of licences unless one was typed.
    if (field === 'plan' && value === 'trial' && next.licenceQuota.trim() === '') next.licenceQuota = String(TRIAL_LICENCES);
    this.form = next;
    if (this.errors[field]) {
      const { [field]: _fixed, ...rest } = this.errors;
      this.errors = rest;
    }
  }

  private describedBy(field: FieldName, hint: boolean): string | typeof nothing {
    const ids = [hint ? `${field}-hint` : '', this.errors[field] ? `${field}-error` : ''].filter(Boolean);
    return ids.length ? ids.join(' ') : nothing;
  }

  private errorText(field: FieldName): TemplateResult | typeof nothing {
    const message = this.errors[field];
    return message ? html`<p class="error" part="error" id=${`${field}-error`}>${labels[field]} ${message}</p>` : nothing;
  }

  private textField(
    field: FieldName,
    opts: { required?: boolean; type?: string; autocomplete?: string; hint?: string | TemplateResult; placeholder?: string; inputmode?: string; label?: string } = {},
  ): TemplateResult {
    const value = this.form[field];
    return html`<div class="field" part="field">
      <label for=${field}>${opts.label ?? labels[field]}${opts.required ? html` <span class="required">(required)</span>` : nothing}</label>
      <input
        id=${field}
        name=${field}
        type=${opts.type ?? 'text'}
        .value=${value}
        autocomplete=${opts.autocomplete ?? 'off'}
        placeholder=${opts.placeholder ?? nothing}
        inputmode=${opts.inputmode ?? nothing}
        ?required=${opts.required}
        aria-invalid=${this.errors[field] ? 'true' : 'false'}
        aria-describedby=${this.describedBy(field, !!opts.hint)}
        @input=${(e: Event) => this.set(field, (e.target as HTMLInputElement).value as never)}
      />
      ${opts.hint ? html`<p class="hint" id=${`${field}-hint`}>${opts.hint}</p>` : nothing}
      ${this.errorText(field)}
    </div>`;
  }

  /** Radios in a fieldset; `ownStep` when the field is its step's only one (the heading names it, the legend stays for screen readers). */
  private choiceField<V extends string>(field: FieldName, options: Option<V>[], opts: { hint?: string; ownStep?: boolean } = {}): TemplateResult {
    const current = this.form[field];
    const hint = opts.hint;
    return html`<fieldset class="field choices" part="field" aria-describedby=${this.describedBy(field, !!hint)}>
      <legend class=${opts.ownStep ? 'visually-hidden' : ''}>${labels[field]}</legend>
      ${hint ? html`<p class="hint" id=${`${field}-hint`}>${hint}</p>` : nothing}
      ${options.map(
        (o) => html`<div class="choice">
          <input
            type="radio"
            id=${`${field}-${o.value}`}
            name=${field}
            .value=${o.value}
            .checked=${current === o.value}
            aria-describedby=${o.hint ? `${field}-${o.value}-hint` : nothing}
            @change=${() => this.set(field, o.value as never)}
          />
          <label for=${`${field}-${o.value}`}>${o.label}</label>
          ${o.hint ? html`<p class="hint" id=${`${field}-${o.value}-hint`}>${o.hint}</p>` : nothing}
        </div>`,
      )}
      ${this.errorText(field)}
    </fieldset>`;
  }

  private selectField(field: FieldName, options: Option<string>[], opts: { required?: boolean; hint?: string } = {}): TemplateResult {
    const current = this.form[field];
    return html`<div class="field" part="field">
      <label for=${field}>${labels[field]}${opts.required ? html` <span class="required">(required)</span>` : nothing}</label>
      <select
        id=${field}
        name=${field}
        ?required=${opts.required}
        aria-invalid=${this.errors[field] ? 'true' : 'false'}
        aria-describedby=${this.describedBy(field, !!opts.hint)}
        @change=${(e: Event) => this.set(field, (e.target as HTMLSelectElement).value as never)}
      >
        ${current ? nothing : html`<option value="" selected>Choose…</option>`}
        ${options.map((o) => html`<option value=${o.value} ?selected=${o.value === current}>${o.label}</option>`)}
      </select>
      ${opts.hint ? html`<p class="hint" id=${`${field}-hint`}>${opts.hint}</p>` : nothing}
      ${this.errorText(field)}
    </div>`;
  }

  // ---- steps -------------------------------------------------------------------------------

  private vatHint(): string {
    const f = this.form;
    if (!this.mspCountry) return "Required when the customer's country differs from yours.";
    const mine = countryName(this.mspCountry, this.locale);
    if (vatRequired(f, this.mspCountry)) {
      return `Required: the customer is in ${countryName(f.country, this.locale)}, you are in ${mine}, so its invoices need its VAT ID.`;
    }
    return `Optional: the customer is in ${mine}, like you.`;
  }

  private renderStep(): TemplateResult {
    const f = this.form;
    switch (steps[this.step]!.id) {
      case 'type':
        return this.choiceField('accountType', accountTypes, { ownStep: true });
      case 'company': {
        const stateRequired = statesRequired.has(f.country);
        return html`
          ${this.textField('name', { required: true, autocomplete: 'organization' })}
          ${this.selectField(
            'country',
            countries(this.locale).map((c) => ({ value: c.code, label: c.name })),
            { required: true },
          )}
          ${this.textField('state', {
            required: stateRequired,
            autocomplete: 'address-level1',
            ...(stateRequired ? { hint: `Required for addresses in ${countryName(f.country, this.locale)}.` } : {}),
          })}
          <fieldset class="field group" part="field">
            <legend>Postal address <span class="optional">(optional)</span></legend>
            ${this.textField('line1', { autocomplete: 'address-line1' })}
            ${this.textField('line2', { autocomplete: 'address-line2' })}
            <div class="row">
              ${this.textField('postalCode', { autocomplete: 'postal-code' })} ${this.textField('city', { autocomplete: 'address-level2' })}
            </div>
          </fieldset>
          ${this.textField('vatId', {
            required: vatRequired(f, this.mspCountry),
            hint: this.vatHint(),
            ...(vatExample(f.country) ? { placeholder: vatExample(f.country)! } : {}),
          })}
        `;
      }
      case 'user':
        return html`
          <p class="intro" id="user-intro">
            Optional. An invitation with an expiring link will be emailed; the main user sets up access by following it.
          </p>
          ${this.textField('userName', { autocomplete: 'off' })} ${this.textField('userEmail', { type: 'email', autocomplete: 'off' })}
        `;
      case 'plan':
        return html`
          ${this.choiceField('plan', plans)} ${this.choiceField('licenceModel', licenceModels)}
          ${f.licenceModel === 'unlimited'
            ? nothing
            : this.textField('licenceQuota', {
                type: 'number',
                inputmode: 'numeric',
                required: f.plan === 'purchased',
                label: f.licenceModel === 'per_scan' ? 'Scans per month' : 'Licensed assets',
                ...(f.plan === 'trial' ? { hint: `A trial starts with ${TRIAL_LICENCES}.` } : {}),
              })}
          ${this.choiceField('serviceMode', serviceModes)} ${this.selectField('paymentMethod', paymentMethods)}
        `;
      case 'access':
        return this.choiceField('accessDelegation', delegations, {
          ownStep: true,
          hint: 'What the customer\u2019s own users may do in the portal. You can change it later.',
        });
      default:
        return this.renderReview();
    }
  }

  private renderReview(): TemplateResult {
    const f = this.form;
    const label = <V extends string>(options: Option<V>[], value: V) => options.find((o) => o.value === value)?.label ?? value;
    const address = [f.line1, f.line2, [f.postalCode, f.city].filter((v) => v.trim()).join(' ')].filter((v) => v.trim()).join(', ');
    const sections: [number, [string, string][]][] = [
      [0, [[labels.accountType, label(accountTypes, f.accountType)]]],
      [
        1,
        [
          [labels.name, f.name.trim()],
          [labels.country, countryName(f.country, this.locale)],
          [labels.state, f.state.trim() || '—'],
          ['Postal address', address || '—'],
          [labels.vatId, f.vatId.trim() || '—'],
        ],
      ],
      [2, f.userEmail.trim() ? [['Main user', `${f.userName.trim()} <${f.userEmail.trim()}> — will be invited`]] : [['Main user', 'None; add one later']]],
      [
        3,
        [
          [labels.plan, label(plans, f.plan)],
          [labels.licenceModel, label(licenceModels, f.licenceModel)],
          [labels.licenceQuota, f.licenceModel === 'unlimited' ? 'Unlimited' : f.licenceQuota.trim() || String(TRIAL_LICENCES)],
          [labels.serviceMode, label(serviceModes, f.serviceMode)],
          [labels.paymentMethod, label(paymentMethods, f.paymentMethod)],
        ],
      ],
      [4, [[labels.accessDelegation, label(delegations, f.accessDelegation)]]],
    ];
    return html`<div class="review" part="review">
      ${sections.map(
        ([step, rows]) => html`<section class="review-section" aria-labelledby=${`review-${step}`}>
          <div class="review-head">
            <h4 id=${`review-${step}`}>${steps[step]!.title}</h4>
            <button type="button" class="link" aria-label=${`Edit ${steps[step]!.title.toLowerCase()}`} @click=${() => this.goTo(step, true)}>Edit</button>
          </div>
          <dl>${rows.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>
        </section>`,
      )}
    </div>`;
  }

  private renderSteps(): TemplateResult {
    return html`<ol class="steps" part="steps" aria-label="Steps">
      ${steps.map((s, i) => {
        const current = i === this.step;
        const content = html`<span class="step-number" aria-hidden="true">${i + 1}</span><span class="step-title">${s.title}</span>`;
        return html`<li part="step" class="step" aria-current=${current ? 'step' : nothing} data-state=${current ? 'current' : i <= this.reached ? 'done' : 'todo'}>
          ${!current && i <= this.reached && !this.submitting
            ? html`<button type="button" class="step-button" @click=${() => this.goTo(i, this.step === REVIEW_STEP && i < REVIEW_STEP)}>${content}</button>`
            : html`<span class="step-button">${content}</span>`}
        </li>`;
      })}
    </ol>`;
  }

  /** "customer", "sub-partner" or "enterprise". */
  private typeLabel(kind: string = this.form.accountType): string {
    return accountTypes.find((t) => t.value === kind)?.label.toLowerCase() ?? kind;
  }

  private renderSuccess(created: CreatedOrg): TemplateResult {
    const kind = this.typeLabel(created.kind);
    return html`<div class="success" part="success" role="status">
      <h3 class="success-heading" tabindex="-1">${created.name} was created</h3>
      <p>${created.name} is a new ${kind} in your portfolio.</p>
      ${created.invite
        ? html`<p class="invite">
            Invitation sent to <strong>${created.invite.email}</strong>. Its link expires
            ${formatDate(created.invite.expiresAt, this.locale, { dateStyle: 'medium', timeStyle: 'short' })}.
          </p>`
        : html`<p>No main user was invited; you can invite one from the customer's Users tab.</p>`}
      <div class="actions" part="actions">
        <button type="button" part="button" class="secondary" @click=${() => this.reset()}>Create another</button>
      </div>
    </div>`;
  }

  protected override render() {
    const last = this.step === REVIEW_STEP;
    return html`<section class="wizard" aria-labelledby="wizard-title">
      <h2 id="wizard-title">${this.heading}</h2>
      ${this.created
        ? this.renderSuccess(this.created)
        : html`${this.renderSteps()}
            <form novalidate @submit=${this.onSubmit} aria-labelledby="step-heading">
              <h3 class="step-heading" id="step-heading" tabindex="-1">
                <span class="step-count">Step ${this.step + 1} of ${steps.length}</span> ${steps[this.step]!.title}
              </h3>
              ${this.renderStep()}
              ${this.formError
                ? html`<p class="form-error" part="error" role="alert" tabindex="-1">${this.formError}</p>`
                : nothing}
              <div class="actions" part="actions">
                ${this.step > 0
                  ? html`<button type="button" part="button" class="secondary" ?disabled=${this.submitting} @click=${this.back}>Back</button>`
                  : nothing}
                <button type="submit" part="button primary-button" class="primary" ?disabled=${this.submitting} aria-busy=${this.submitting ? 'true' : 'false'}>
                  ${last ? (this.submitting ? 'Creating…' : this.formError ? 'Try again' : `Create ${this.typeLabel()}`) : this.editing ? 'Back to review' : 'Next'}
                </button>
              </div>
            </form>`}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'msp-customer-create': MspCustomerCreate;
  }
}

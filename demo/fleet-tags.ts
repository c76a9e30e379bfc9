import { field, h, problemOf, setFieldError, type Problem } from './dom.js';

/**
 * Bulk tagging from the fleet's selection: the portal's own form over `POST /v1/fleet/tags`.
 * "Preview" asks the BFF for a dry run and says what would change; "Apply" sends the same
 * change and is enabled only while the previewed change is still the one in the form.
 */

interface TagResult {
  dryRun: boolean;
  matched: number;
  changed: number;
  unchanged: number;
  notFound: number;
  changes: { customerId: string; name: string; before: string[]; after: string[] }[];
}

export interface TagFormOptions {
  api: (path: string, init?: RequestInit) => Promise<Response>;
  /** The customers checked in the fleet table now. */
  selected: () => string[];
  /** After a change was applied: announce it, clear the selection and reload the table. */
  applied: (message: string) => void;
}

export interface TagForm {
  element: HTMLFormElement;
  /** Empties the form and forgets the preview (a new selection, or the form was closed). */
  reset(): void;
  /** Loads the tags in use (GET /v1/fleet/tags) as suggestions; called when the form opens. */
  suggest(): Promise<void>;
  /** The selection changed: a preview made for the previous one no longer holds. */
  invalidate(): void;
}

const splitTags = (value: string) => value.split(',').map((t) => t.trim()).filter(Boolean);
const hasTag = (tags: string[], tag: string) => tags.some((t) => t.toLowerCase() === tag.toLowerCase());
const quoted = (tags: string[]) => tags.map((t) => `“${t}”`).join(', ');
const customers = (n: number) => (n === 1 ? '1 customer' : `${n} customers`);

/** "Adds “VIP” to 2 of 3 customers; removes “Legacy” from 1." for a dry run's answer. */
export function describeTagChange(result: TagResult, add: string[], remove: string[], selected: number): string {
  const parts: string[] = [];
  if (add.length) {
    const gaining = result.changes.filter((c) => add.some((t) => !hasTag(c.before, t) && hasTag(c.after, t))).length;
    parts.push(`Adds ${quoted(add)} to ${gaining} of ${customers(selected)}`);
  }
  if (remove.length) {
    const losing = result.changes.filter((c) => remove.some((t) => hasTag(c.before, t) && !hasTag(c.after, t))).length;
    parts.push(parts.length ? `removes ${quoted(remove)} from ${losing}` : `Removes ${quoted(remove)} from ${losing} of ${customers(selected)}`);
  }
  let text = `${parts.join('; ')}.`;
  if (result.notFound) text += ` ${customers(result.notFound)} could not be found.`;
  if (result.changed === 0) text += ' Nothing would change.';
  return text;
}

export function tagForm(opts: TagFormOptions): TagForm {
  const addInput = h('input', { type: 'text', id: 'tags-add', name: 'add', autocomplete: 'off' });
  const removeInput = h('input', { type: 'text', id: 'tags-remove', name: 'remove', autocomplete: 'off' });
  const preview = h('button', { type: 'submit', class: 'button', id: 'tags-preview', textContent: 'Preview' });
  const apply = h('button', { type: 'button', class: 'button', id: 'tags-apply', textContent: 'Apply', disabled: true });
  // Tags already in use, as buttons that put the tag into the field last used (add by default).
  const suggestionsHint = h('span', { id: 'tag-suggestions-hint' });
  const suggestionsTitle = h('p', { class: 'tag-suggestions-title' }, h('strong', { id: 'tag-suggestions-title', textContent: 'Tags in use' }), suggestionsHint);
  const suggestionList = h('ul', { class: 'tag-suggestions', id: 'tag-suggestions' });
  suggestionList.setAttribute('aria-labelledby', 'tag-suggestions-title');
  suggestionList.setAttribute('aria-describedby', 'tag-suggestions-hint');
  const suggestions = h('div', { class: 'tag-suggestions-block', hidden: true }, suggestionsTitle, suggestionList);
  let target: HTMLInputElement = addInput;
  const fieldName = (input: HTMLInputElement) => (input === addInput ? 'Tags to add' : 'Tags to remove');
  const retitle = () => {
    suggestionsHint.textContent = ` — choose one to put it in “${fieldName(target)}”:`;
  };
  const status = h('p', { class: 'tag-status', id: 'tags-status', role: 'status' });
  status.setAttribute('aria-live', 'polite');
  const element = h(
    'form',
    { class: 'panel tag-form', id: 'tag-form', noValidate: true },
    h('h2', { class: 'tag-form-title', id: 'tag-form-title', textContent: 'Tags of the selected customers' }),
    h(
      'div',
      { class: 'field-row' },
      field('Tags to add', addInput, { hint: 'Comma-separated, e.g. VIP, Region north' }),
      field('Tags to remove', removeInput, { hint: 'Comma-separated' }),
    ),
    suggestions,
    h('div', { class: 'form-actions' }, preview, apply),
    status,
  );
  element.setAttribute('aria-labelledby', 'tag-form-title');

  /** The change the last preview was made for; Apply sends exactly this. */
  let previewed: { key: string; body: { customerIds: string[]; add: string[]; remove: string[] } } | undefined;
  let busy = false;
  const current = () => {
    const body = { customerIds: opts.selected(), add: splitTags(addInput.value), remove: splitTags(removeInput.value) };
    return { key: JSON.stringify(body), body };
  };
  const refresh = () => {
    apply.disabled = busy || !previewed || previewed.key !== current().key;
    preview.disabled = busy;
  };
  const invalidate = () => {
    if (previewed && previewed.key !== current().key) {
      previewed = undefined;
      status.textContent = '';
    }
    refresh();
  };
  const clearErrors = () => {
    setFieldError(addInput, null);
    setFieldError(removeInput, null);
  };
  const showProblem = (problem: Problem) => {
    const other: string[] = [];
    let first: HTMLInputElement | undefined;
    for (const e of problem.errors ?? []) {
      const input = e.pointer.startsWith('#/body/add') ? addInput : e.pointer.startsWith('#/body/remove') ? removeInput : undefined;
      if (input) {
        setFieldError(input, e.detail);
        first ??= input;
      } else other.push(e.detail);
    }
    status.textContent = other.length ? other.join(' ') : first ? 'Check the highlighted tags.' : (problem.detail ?? 'The change could not be made.');
    first?.focus();
  };
  const send = async (body: object) => {
    busy = true;
    refresh();
    try {
      const res = await opts.api('/v1/fleet/tags', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!res.ok) {
        showProblem(await problemOf(res));
        return undefined;
      }
      return (await res.json()) as TagResult;
    } catch {
      status.textContent = 'The change could not be sent; try again.';
      return undefined;
    } finally {
      busy = false;
      refresh();
    }
  };

  addInput.addEventListener('input', invalidate);
  removeInput.addEventListener('input', invalidate);
  for (const input of [addInput, removeInput]) {
    input.addEventListener('focus', () => {
      target = input;
      retitle();
    });
  }
  const choose = (tag: string) => {
    const present = splitTags(target.value);
    if (!hasTag(present, tag)) target.value = [...present, tag].join(', ');
    invalidate();
    target.focus();
  };
  const suggest = async () => {
    try {
      const res = await opts.api('/v1/fleet/tags');
      if (!res.ok) return;
      const { tags } = (await res.json()) as { tags: { tag: string; customers: number }[] };
      suggestionList.replaceChildren(
        ...tags.slice(0, 30).map(({ tag, customers: n }) => {
          const button = h('button', { type: 'button', class: 'tag-suggestion', textContent: tag }, h('span', { class: 'tag-count', textContent: ` ${n}` }));
          button.setAttribute('aria-label', `${tag}, on ${customers(n)}`);
          button.addEventListener('click', () => choose(tag));
          return h('li', {}, button);
        }),
      );
      suggestions.hidden = tags.length === 0;
      retitle();
    } catch {
      // Suggestions are a convenience: without them the fields still take any tag.
      suggestions.hidden = true;
    }
  };
  element.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      clearErrors();
      const asked = current();
      previewed = undefined;
      status.textContent = 'Previewing…';
      const result = await send({ ...asked.body, dryRun: true });
      if (!result) return;
      // The form may have changed while the preview was on its way: it is then not this preview's.
      if (current().key === asked.key) previewed = asked;
      status.textContent = describeTagChange(result, asked.body.add, asked.body.remove, asked.body.customerIds.length);
      refresh();
    })();
  });
  apply.addEventListener('click', () => {
    if (!previewed || previewed.key !== current().key) return;
    const { body } = previewed;
    void (async () => {
      clearErrors();
      status.textContent = 'Applying…';
      const result = await send(body);
      if (!result) return;
      previewed = undefined;
      opts.applied(
        result.changed === 0
          ? 'No tags changed: the selected customers already had them as asked.'
          : `Tags changed on ${customers(result.changed)}${result.unchanged ? `; ${result.unchanged} already had them as asked` : ''}.`,
      );
    })();
  });

  return {
    element,
    reset() {
      element.reset();
      clearErrors();
      previewed = undefined;
      status.textContent = '';
      target = addInput;
      refresh();
    },
    suggest,
    invalidate,
  };
}

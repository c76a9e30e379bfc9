import type { ReactiveElement } from 'lit';

/**
 * Focus around a widget's modal `<dialog>`: remembers the control that opened it and, once the
 * dialog is closed and the widget has rendered without it, gives focus back to that control, or
 * to `fallback` when the control is gone (the action it offered may have disappeared meanwhile).
 */
export class DialogFocus {
  private opener: HTMLElement | null = null;

  constructor(private readonly host: ReactiveElement) {}

  /** Call from the event that opens the dialog. */
  opened(event: Event): void {
    this.opener = event.currentTarget as HTMLElement;
  }

  /** Closes the widget's open `<dialog>`; call after dropping the widget's dialog state, so the render that follows is the one waited for. */
  close(fallback: string): void {
    this.host.renderRoot.querySelector('dialog')?.close();
    const opener = this.opener;
    this.opener = null;
    void this.host.updateComplete.then(() => (opener?.isConnected ? opener : this.host.renderRoot.querySelector<HTMLElement>(fallback))?.focus());
  }
}

/**
 * Registers a bare `<msp-customer-detail>` before the real one, so the tab tests see which
 * customer each panel asks for without mocking every endpoint the detail reads. Import it first.
 */
customElements.define(
  'msp-customer-detail',
  class extends HTMLElement {
    static observedAttributes = ['customer-id'];
    attributeChangedCallback(): void {
      this.textContent = `Customer ${this.getAttribute('customer-id')}`;
    }
  },
);

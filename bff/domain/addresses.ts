/**
 * Postal address rules shared by onboarding and the customer edit. Pure, no I/O.
 */

/** Countries whose postal addresses need a state, province or territory. */
const countriesWithStates: ReadonlySet<string> = new Set(['US', 'CA', 'AU']);

/** Whether an address in `country` (ISO 3166-1 alpha-2) must name its state. */
export function stateRequired(country: string): boolean {
  return countriesWithStates.has(country.toUpperCase());
}

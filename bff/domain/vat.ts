/**
 * VAT identification numbers: their shape per EU member state, and when a customer must have
 * one. Pure rules, no I/O; onboarding and the customer edit share them.
 *
 * A VAT-ID is written with its country prefix (`DE123456789`). Greece uses `EL`, not its ISO
 * code `GR`. Only the format is checked here — whether a number is registered is VIES's
 * business, not something to block onboarding on.
 */

/** The part after the prefix, per member state (ISO 3166-1 alpha-2 country code). */
const euFormats: Record<string, { prefix: string; pattern: RegExp; example: string }> = {
  AT: { prefix: 'AT', pattern: /^U\d{8}$/, example: 'ATU12345678' },
  BE: { prefix: 'BE', pattern: /^[01]\d{9}$/, example: 'BE0123456789' },
  BG: { prefix: 'BG', pattern: /^\d{9,10}$/, example: 'BG123456789' },
  CY: { prefix: 'CY', pattern: /^\d{8}[A-Z]$/, example: 'CY12345678L' },
  CZ: { prefix: 'CZ', pattern: /^\d{8,10}$/, example: 'CZ12345678' },
  DE: { prefix: 'DE', pattern: /^\d{9}$/, example: 'DE123456789' },
  DK: { prefix: 'DK', pattern: /^\d{8}$/, example: 'DK12345678' },
  EE: { prefix: 'EE', pattern: /^\d{9}$/, example: 'EE123456789' },
  GR: { prefix: 'EL', pattern: /^\d{9}$/, example: 'EL123456789' },
  // A letter or digit, seven digits, a letter or digit — but not all ten digits.
  ES: { prefix: 'ES', pattern: /^(?:[A-Z]\d{7}[A-Z0-9]|\d{8}[A-Z])$/, example: 'ESX1234567X' },
  FI: { prefix: 'FI', pattern: /^\d{8}$/, example: 'FI12345678' },
  FR: { prefix: 'FR', pattern: /^[A-HJ-NP-Z0-9]{2}\d{9}$/, example: 'FRXX123456789' },
  HR: { prefix: 'HR', pattern: /^\d{11}$/, example: 'HR12345678901' },
  HU: { prefix: 'HU', pattern: /^\d{8}$/, example: 'HU12345678' },
  // Seven digits and one or two letters, or the old form with a letter or symbol second.
  IE: { prefix: 'IE', pattern: /^(?:\d{7}[A-W][A-I]?|\d[A-Z+*]\d{5}[A-W])$/, example: 'IE1234567WA' },
  IT: { prefix: 'IT', pattern: /^\d{11}$/, example: 'IT12345678901' },
  LT: { prefix: 'LT', pattern: /^(?:\d{9}|\d{12})$/, example: 'LT123456789' },
  LU: { prefix: 'LU', pattern: /^\d{8}$/, example: 'LU12345678' },
  LV: { prefix: 'LV', pattern: /^\d{11}$/, example: 'LV12345678901' },
  MT: { prefix: 'MT', pattern: /^\d{8}$/, example: 'MT12345678' },
  NL: { prefix: 'NL', pattern: /^\d{9}B\d{2}$/, example: 'NL123456789B01' },
  PL: { prefix: 'PL', pattern: /^\d{10}$/, example: 'PL1234567890' },
  PT: { prefix: 'PT', pattern: /^\d{9}$/, example: 'PT123456789' },
  RO: { prefix: 'RO', pattern: /^[1-9]\d{1,9}$/, example: 'RO1234567890' },
  SE: { prefix: 'SE', pattern: /^\d{12}$/, example: 'SE123456789001' },
  SI: { prefix: 'SI', pattern: /^\d{8}$/, example: 'SI12345678' },
  SK: { prefix: 'SK', pattern: /^\d{10}$/, example: 'SK1234567890' },
};

/** The EU member states (ISO codes), whose VAT-ID formats are checked. */
export const euCountries = Object.keys(euFormats);

/** One valid-looking VAT-ID per member state, for forms' placeholders and for tests. */
export const vatExamples: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(euFormats).map(([country, f]) => [country, f.example]),
);

/** The prefix a VAT-ID of `country` starts with (`EL` for Greece), or undefined outside the EU. */
export function vatPrefix(country: string): string | undefined {
  return euFormats[country.toUpperCase()]?.prefix;
}

/**
 * The VAT-ID as stored and compared: upper case, without the spaces, dots and dashes people
 * type or paste (`de 123.456.789` → `DE123456789`).
 */
export function normaliseVatId(vatId: string): string {
  return vatId.replace(/[\s.-]/g, '').toUpperCase();
}

/**
 * Why `vatId` is not a VAT-ID of `country`, or null when it is. Expects the normalised form.
 * Outside the EU only the shape is checked: 2–20 letters and digits.
 */
export function vatFormatProblem(country: string, vatId: string): string | null {
  const format = euFormats[country.toUpperCase()];
  if (!format) {
    return /^[A-Z0-9]{2,20}$/.test(vatId) ? null : 'must be 2 to 20 letters and digits';
  }
  if (!vatId.startsWith(format.prefix)) {
    return `must start with ${format.prefix}, the prefix of ${country.toUpperCase()} (such as ${format.example})`;
  }
  return format.pattern.test(vatId.slice(format.prefix.length))
    ? null
    : `is not a VAT-ID of ${country.toUpperCase()} (expected the form ${format.example})`;
}

/** A customer needs a VAT-ID when it is in another country than its MSP (reverse charge). */
export function vatRequired(country: string, mspCountry: string): boolean {
  return country.toUpperCase() !== mspCountry.toUpperCase();
}

/**
 * The whole rule for a customer's VAT-ID, as onboarding and the customer edit apply it:
 * required when the customer's country differs from its MSP's, and when given it must have
 * the country's format. `vatId` may be raw input (it is normalised first); null or blank
 * means none. Answers null when fine, else `{ detail }` for the field's error.
 */
export function checkVat(country: string, vatId: string | null | undefined, mspCountry: string): null | { detail: string } {
  const value = vatId == null ? '' : normaliseVatId(vatId);
  if (value === '') {
    return vatRequired(country, mspCountry)
      ? { detail: `is required: the customer is in ${country.toUpperCase()}, its MSP in ${mspCountry.toUpperCase()}` }
      : null;
  }
  const problem = vatFormatProblem(country, value);
  return problem ? { detail: problem } : null;
}

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { checkVat, euCountries, normaliseVatId, vatExamples, vatFormatProblem, vatPrefix, vatRequired } from '../../../bff/domain/vat.js';

/** VAT-ID formats and the rule that a customer abroad needs one. */

/** A spelling people type: random case, with spaces, dots or dashes between characters. */
const spelled = (id: string) =>
  fc
    .tuple(fc.array(fc.constantFrom('', ' ', '.', '-'), { minLength: id.length, maxLength: id.length }), fc.array(fc.boolean(), { minLength: id.length, maxLength: id.length }))
    .map(([seps, lower]) => [...id].map((ch, i) => (lower[i] ? ch.toLowerCase() : ch) + seps[i]).join(''));

describe('VAT-IDs', () => {
  test('normalising is idempotent and leaves only upper-case letters and digits of the input', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (raw) => {
        const once = normaliseVatId(raw);
        assert.equal(normaliseVatId(once), once);
        assert.doesNotMatch(once, /[\s.-]/);
        assert.equal(once, once.toUpperCase());
      }),
    );
  });

  test('every member state has an example, and every example is accepted however it is spelled', () => {
    assert.equal(euCountries.length, 27);
    for (const country of euCountries) {
      const example = vatExamples[country]!;
      fc.assert(
        fc.property(spelled(example), (typed) => {
          assert.equal(normaliseVatId(typed), example);
          assert.equal(checkVat(country, typed, 'DE'), null, `${country}: ${typed}`);
        }),
        { numRuns: 20 },
      );
    }
  });

  test('valid numbers of each member state are accepted', () => {
    const valid: Record<string, string[]> = {
      AT: ['ATU99999999'], BE: ['BE0999999999', 'BE1234567890'], BG: ['BG999999999', 'BG9999999999'], CY: ['CY99999999L'],
      CZ: ['CZ99999999', 'CZ999999999', 'CZ9999999999'], DE: ['DE999999999'], DK: ['DK99999999'], EE: ['EE999999999'],
      GR: ['EL999999999'], ES: ['ESX9999999X', 'ES99999999R', 'ESA12345674'], FI: ['FI99999999'], FR: ['FRXX999999999', 'FR12345678901'],
      HR: ['HR99999999999'], HU: ['HU99999999'], IE: ['IE1234567WA', 'IE1234567T', 'IE9S99999L'], IT: ['IT99999999999'],
      LT: ['LT999999999', 'LT999999999999'], LU: ['LU99999999'], LV: ['LV99999999999'], MT: ['MT99999999'], NL: ['NL999999999B99'],
      PL: ['PL9999999999'], PT: ['PT999999999'], RO: ['RO99', 'RO9999999999'], SE: ['SE999999999999'], SI: ['SI99999999'], SK: ['SK9999999999'],
    };
    assert.deepEqual(Object.keys(valid).sort(), [...euCountries].sort());
    for (const [country, ids] of Object.entries(valid)) {
      for (const id of ids) assert.equal(vatFormatProblem(country, id), null, `${country} ${id}`);
    }
  });

  test('malformed numbers are refused with a reason', () => {
    const invalid: [string, string][] = [
      ['AT', 'AT12345678'], ['BE', 'BE2123456789'], ['DE', 'DE12345678'], ['DE', 'DE1234567890'], ['NL', 'NL123456789A01'],
      ['FR', 'FR123456789'], ['IT', 'IT1234567890'], ['ES', 'ES123456789'], ['RO', 'RO1'], ['RO', 'RO01234'], ['CY', 'CY123456789'],
      ['IE', 'IE12345678'], ['SE', 'SE12345678901'], ['LT', 'LT1234567890'], ['DE', 'DEABCDEFGHI'],
    ];
    for (const [country, id] of invalid) {
      const problem = vatFormatProblem(country, id);
      assert.ok(problem, `${country} ${id} should be refused`);
    }
  });

  test("a VAT-ID with another country's prefix is refused; Greece uses EL, not GR", () => {
    fc.assert(
      fc.property(fc.constantFrom(...euCountries), fc.constantFrom(...euCountries), (country, other) => {
        fc.pre(vatPrefix(country) !== vatPrefix(other));
        const foreign = vatExamples[other]!;
        assert.match(vatFormatProblem(country, foreign) ?? '', new RegExp(`must start with ${vatPrefix(country)}`));
      }),
    );
    assert.equal(vatPrefix('GR'), 'EL');
    assert.ok(vatFormatProblem('GR', 'GR123456789'));
    assert.equal(vatFormatProblem('GR', 'EL123456789'), null);
  });

  test('outside the EU, any 2 to 20 letters and digits', () => {
    for (const ok of ['GB123456789', 'CHE123456789', '12', 'A'.repeat(20)]) assert.equal(vatFormatProblem('CH', ok), null, ok);
    for (const bad of ['1', 'A'.repeat(21), 'ABC/123', '']) assert.ok(vatFormatProblem('US', bad), bad);
  });

  test('required exactly when the country differs from the MSP’s; a given one is checked either way', () => {
    fc.assert(
      fc.property(fc.constantFrom('DE', 'AT', 'GB', 'US', 'FR'), fc.constantFrom('DE', 'AT', 'GB', 'US', 'FR'), (country, msp) => {
        assert.equal(vatRequired(country, msp), country !== msp);
        const missing = checkVat(country, undefined, msp);
        assert.equal(missing === null, country === msp);
        assert.deepEqual(checkVat(country, '  ', msp), missing, 'blank counts as missing');
      }),
    );
    assert.match(checkVat('AT', null, 'DE')?.detail ?? '', /required/);
    assert.equal(checkVat('AT', 'atu 1234.5678', 'DE'), null);
    assert.ok(checkVat('DE', 'DE123', 'DE'), 'an optional VAT-ID must still be well-formed');
  });
});

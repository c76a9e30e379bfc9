import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { stateRequired } from '../../../bff/domain/addresses.js';

describe('addresses', () => {
  test('the US, Canada and Australia need a state, in any case; other countries do not', () => {
    for (const country of ['US', 'CA', 'AU', 'us', 'Ca']) assert.equal(stateRequired(country), true, country);
    for (const country of ['DE', 'GB', 'FR', 'AT', 'NZ']) assert.equal(stateRequired(country), false, country);
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultFleetColumns, fleetColumnGroups, fleetColumnIds } from '../../bff/domain/fleet-columns.js';
import { defaultVisibleColumns, fleetColumns } from '../../components/fleet-table/columns.js';

describe('fleet table columns', () => {
  it('offers exactly the column ids the BFF stores in the column preference', () => {
    assert.deepEqual(fleetColumns.map((c) => c.id).sort(), [...fleetColumnIds].sort());
  });

  it('puts each column under the band the BFF groups it in', () => {
    for (const c of fleetColumns) assert.ok((fleetColumnGroups[c.group] as readonly string[]).includes(c.id), `${c.id} in ${c.group}`);
  });

  it('shows the same columns as the BFF before the saved choice arrives', () => {
    assert.deepEqual([...defaultVisibleColumns].sort(), [...defaultFleetColumns.visible].sort());
  });
});

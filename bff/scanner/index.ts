import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import type { ScannerAdapter } from './adapter.js';
import { SimulatedScanner } from './simulated.js';

export type { ScannerAdapter } from './adapter.js';

/** The scanner `config.scanner` names (PORTICO_SCANNER); `simulated` is the only one shipped. */
export function scannerFor(config: Pick<Config, 'scanner'>, db: Database): ScannerAdapter {
  switch (config.scanner) {
    case 'simulated':
      return new SimulatedScanner(db);
    default:
      throw new Error(`unknown scanner ${JSON.stringify(config.scanner)}; PORTICO_SCANNER knows: simulated`);
  }
}

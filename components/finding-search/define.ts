import { define } from '../core/base-element.js';
import { MspFindingSearch } from './finding-search.js';

export { MspFindingSearch };
export type { FindingSearchCustomer, FindingSearchGroup, FindingSearchHit, FindingSearchPage } from './finding-search.js';
define('msp-finding-search', MspFindingSearch);

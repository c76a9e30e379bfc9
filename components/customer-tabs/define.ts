import { define } from '../core/base-element.js';
import { MspCustomerTabs } from './customer-tabs.js';

export { MspCustomerTabs };
export { MAX_OPEN_TABS, type OpenCustomer } from './customer-tabs.js';
define('msp-customer-tabs', MspCustomerTabs);

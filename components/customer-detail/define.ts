import { define } from '../core/base-element.js';
import { MspCustomerDetail } from './customer-detail.js';

export { MspCustomerDetail };
export { tabs as customerTabs, type CustomerTab } from './labels.js';
define('msp-customer-detail', MspCustomerDetail);

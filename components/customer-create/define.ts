import { define } from '../core/base-element.js';
import { MspCustomerCreate } from './customer-create.js';

export { MspCustomerCreate };
define('msp-customer-create', MspCustomerCreate);

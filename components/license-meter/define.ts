import { define } from '../core/base-element.js';
import { MspLicenseMeter } from './license-meter.js';

export { MspLicenseMeter };
export { licenceValueText } from './license-meter.js';
define('msp-license-meter', MspLicenseMeter);

import { define } from '../core/base-element.js';
import { MspIpDistribution } from './ip-distribution.js';

export { MspIpDistribution };
export type { IpDistributionChangeDetail, IpDistributionSaveKind } from './ip-distribution.js';
define('msp-ip-distribution', MspIpDistribution);

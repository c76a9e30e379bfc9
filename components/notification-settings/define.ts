import { define } from '../core/base-element.js';
import { MspNotificationSettings } from './notification-settings.js';

export { MspNotificationSettings };
export type { NotificationSettings, NotificationSettingsChange, UserNotificationSettings } from './notification-api.js';
define('msp-notification-settings', MspNotificationSettings);

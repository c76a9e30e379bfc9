import { h, pageProvider, type PageContext } from './dom.js';

/**
 * Settings → Notifications: `<msp-notification-settings>`, how the signed-in user hears about
 * licence warnings, scans, findings and the rest — as they happen or as a daily or weekly
 * digest — and which categories it leaves out. Admins pick any user they can see and manage
 * that user's settings; `userId` is that user (none: the signed-in user).
 */

export async function notificationsPage(_ctx: PageContext, userId: string | undefined, choose: (id: string | null) => void): Promise<HTMLElement> {
  // Loaded with the page: the portal's first screen does not carry the settings' code.
  await import('../components/notification-settings/define.js');
  const settings = document.createElement('msp-notification-settings');
  settings.id = 'notification-settings';
  if (userId) settings.setAttribute('user-id', userId);
  // The address follows the admins' user picker, so a reload shows the same user.
  new MutationObserver(() => choose(settings.getAttribute('user-id') || null)).observe(settings, { attributes: true, attributeFilter: ['user-id'] });
  return h(
    'div',
    { class: 'settings-page notifications-page', id: 'notifications-page' },
    h('p', { class: 'lede', textContent: 'Emails about your customers: as each thing happens, or collected in a digest at 08:00. Account managers hear only about their assigned customers.' }),
    pageProvider('notifications-provider', settings),
  );
}

/**
 * The customer lifecycle as a state machine: which action an MSP may take from which state,
 * and the state it leads to. Pure rules; the lifecycle routes load the state, ask here, and
 * write what the answer says (or answer 409 with the reason).
 */

export const customerStatuses = ['invited', 'active', 'locked', 'cancelled', 'deleting'] as const;
export type CustomerStatus = (typeof customerStatuses)[number];

export interface LifecycleState {
  status: CustomerStatus;
  /** The customer revoked its MSP's access (the fleet shows "connection lost"). */
  revoked: boolean;
  plan: 'trial' | 'purchased';
  serviceMode: 'managed' | 'self_service';
  /** The subscription carries a cancellation date. */
  cancelled: boolean;
}

export const lifecycleActions = [
  'edit',
  'change_main_user',
  'lock',
  'unlock',
  'cancel',
  'reactivate',
  'convert_to_managed',
  'convert_to_purchased',
  'delete',
] as const;
export type LifecycleAction = (typeof lifecycleActions)[number];

export type Transition = { ok: true; state: LifecycleState } | { ok: false; reason: string };

/**
 * What a revoked customer still allows: nothing that reads or writes its data (which RLS hides
 * from the MSP now), only whether its users may sign in, and ending the relationship.
 */
const allowedWhenRevoked: ReadonlySet<LifecycleAction> = new Set(['lock', 'unlock', 'delete']);

/** The status the fleet shows: a revoked customer is "connection lost" whatever it was. */
export function shownStatus(state: LifecycleState): CustomerStatus | 'connection_lost' {
  return state.revoked && state.status !== 'deleting' ? 'connection_lost' : state.status;
}

const refuse = (reason: string): Transition => ({ ok: false, reason });

/** The state `action` leads to from `state`, or why it is not allowed. */
export function applyAction(state: LifecycleState, action: LifecycleAction): Transition {
  if (state.status === 'deleting') return refuse('The customer is being deleted; it accepts no further changes.');
  if (state.revoked && !allowedWhenRevoked.has(action)) {
    return refuse("The customer has revoked its MSP's access; only lock, unlock and deletion remain possible.");
  }
  const to = (changes: Partial<LifecycleState>): Transition => ({ ok: true, state: { ...state, ...changes } });
  switch (action) {
    case 'edit':
    case 'change_main_user':
      return to({});
    case 'lock':
      // A lock stops sign-ins and nothing else: the subscription runs on.
      return state.status === 'active' ? to({ status: 'locked' }) : refuse(`Only an active customer can be locked; this one is ${shownStatus(state)}.`);
    case 'unlock':
      return state.status === 'locked' ? to({ status: 'active' }) : refuse(`Only a locked customer can be unlocked; this one is ${shownStatus(state)}.`);
    case 'cancel':
      if (state.status === 'locked') return refuse('The customer is locked; unlock it before cancelling its subscription.');
      return state.status === 'active' || state.status === 'invited'
        ? to({ status: 'cancelled', cancelled: true })
        : refuse(`Only an active or invited customer can be cancelled; this one is ${shownStatus(state)}.`);
    case 'reactivate':
      return state.status === 'cancelled'
        ? to({ status: 'active', cancelled: false })
        : refuse(`Only a cancelled customer can be reactivated; this one is ${shownStatus(state)}.`);
    case 'convert_to_managed':
      return state.serviceMode === 'self_service' ? to({ serviceMode: 'managed' }) : refuse('The customer is managed already.');
    case 'convert_to_purchased':
      if (state.plan !== 'trial') return refuse('The customer has a purchased plan already.');
      return state.status === 'cancelled'
        ? refuse('The subscription is cancelled; reactivate it before converting the trial.')
        : to({ plan: 'purchased' });
    case 'delete':
      return to({ status: 'deleting' });
  }
}

/** Every action `state` allows, in the order of `lifecycleActions` (for menus and tests). */
export function allowedActions(state: LifecycleState): LifecycleAction[] {
  return lifecycleActions.filter((action) => applyAction(state, action).ok);
}

/**
 * Whether a state is one the lifecycle can be in: a cancelled status goes with a cancelled
 * subscription and no other live status does (a deleting customer keeps whatever it had).
 */
export function isConsistent(state: LifecycleState): boolean {
  if (state.status === 'deleting') return true;
  return state.cancelled === (state.status === 'cancelled');
}

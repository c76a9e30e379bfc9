import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  allowedActions,
  applyAction,
  customerStatuses,
  isConsistent,
  lifecycleActions,
  shownStatus,
  type LifecycleAction,
  type LifecycleState,
} from '../../../bff/domain/lifecycle.js';

/**
 * The customer lifecycle: locking stops sign-ins and nothing else, cancelling and reactivating
 * pair up, a deleting customer accepts nothing, a revoked one only what needs none of its data,
 * and no sequence of allowed actions leads to a state the lifecycle cannot be in.
 */

const RUNS = 500;

const anyState: fc.Arbitrary<LifecycleState> = fc.record({
  status: fc.constantFrom(...customerStatuses),
  revoked: fc.boolean(),
  plan: fc.constantFrom('trial' as const, 'purchased' as const),
  serviceMode: fc.constantFrom('managed' as const, 'self_service' as const),
  cancelled: fc.boolean(),
});
const consistentState = anyState.filter(isConsistent);
const anyAction = fc.constantFrom(...lifecycleActions);

const base: LifecycleState = { status: 'active', revoked: false, plan: 'trial', serviceMode: 'self_service', cancelled: false };
const after = (state: LifecycleState, action: LifecycleAction) => {
  const t = applyAction(state, action);
  assert.ok(t.ok, `${action} from ${JSON.stringify(state)} was refused: ${t.ok ? '' : t.reason}`);
  return t.state;
};

describe('customer lifecycle', () => {
  test('lock and unlock toggle between active and locked', () => {
    const locked = after(base, 'lock');
    assert.equal(locked.status, 'locked');
    assert.equal(after(locked, 'unlock').status, 'active');
    assert.equal(applyAction(locked, 'lock').ok, false);
    assert.equal(applyAction(base, 'unlock').ok, false);
  });

  test('cancel marks the subscription cancelled, reactivate clears it', () => {
    const cancelled = after(base, 'cancel');
    assert.deepEqual(cancelled, { ...base, status: 'cancelled', cancelled: true });
    assert.deepEqual(after(cancelled, 'reactivate'), base);
    assert.equal(after({ ...base, status: 'invited' }, 'cancel').status, 'cancelled');
    assert.equal(applyAction(after(base, 'lock'), 'cancel').ok, false, 'a locked customer is unlocked first');
    assert.equal(applyAction(base, 'reactivate').ok, false);
  });

  test('converting: self-service to managed once, trial to purchased once and not while cancelled', () => {
    assert.equal(after(base, 'convert_to_managed').serviceMode, 'managed');
    assert.equal(applyAction({ ...base, serviceMode: 'managed' }, 'convert_to_managed').ok, false);
    assert.equal(after(base, 'convert_to_purchased').plan, 'purchased');
    assert.equal(after({ ...base, status: 'locked' }, 'convert_to_purchased').plan, 'purchased');
    assert.equal(applyAction({ ...base, plan: 'purchased' }, 'convert_to_purchased').ok, false);
    assert.equal(applyAction({ ...base, status: 'cancelled', cancelled: true }, 'convert_to_purchased').ok, false);
  });

  test('deletion is possible from every live status, revoked or not', () => {
    for (const status of customerStatuses.filter((s) => s !== 'deleting')) {
      for (const revoked of [false, true]) {
        const state = { ...base, status, revoked, cancelled: status === 'cancelled' };
        assert.equal(after(state, 'delete').status, 'deleting', `${status}, revoked ${revoked}`);
      }
    }
  });

  test('a revoked customer shows as connection lost and allows only lock, unlock and deletion', () => {
    const revoked = { ...base, revoked: true };
    assert.equal(shownStatus(revoked), 'connection_lost');
    assert.deepEqual(allowedActions(revoked), ['lock', 'delete']);
    assert.deepEqual(allowedActions({ ...revoked, status: 'locked' }), ['unlock', 'delete']);
    const refused = applyAction(revoked, 'edit');
    assert.ok(!refused.ok && /revoked/.test(refused.reason));
  });

  test('a refusal names the status the customer is in', () => {
    const refused = applyAction({ ...base, status: 'cancelled', cancelled: true }, 'lock');
    assert.ok(!refused.ok);
    assert.match(refused.reason, /cancelled/);
  });

  test('no action ever leaves deleting', () => {
    fc.assert(
      fc.property(anyState, anyAction, (state, action) => {
        const t = applyAction({ ...state, status: 'deleting' }, action);
        assert.equal(t.ok, false);
      }),
      { numRuns: RUNS },
    );
    assert.deepEqual(allowedActions({ ...base, status: 'deleting' }), []);
  });

  test('lock and unlock never change the subscription, the plan or the service mode', () => {
    fc.assert(
      fc.property(consistentState, fc.constantFrom<LifecycleAction>('lock', 'unlock'), (state, action) => {
        const t = applyAction(state, action);
        if (!t.ok) return;
        const { status: _before, ...rest } = state;
        const { status: _after, ...restAfter } = t.state;
        assert.deepEqual(restAfter, rest);
      }),
      { numRuns: RUNS },
    );
  });

  test('revocation is never changed by an action, and refused actions name a reason', () => {
    fc.assert(
      fc.property(anyState, anyAction, (state, action) => {
        const t = applyAction(state, action);
        if (t.ok) assert.equal(t.state.revoked, state.revoked);
        else assert.ok(t.reason.length > 0);
      }),
      { numRuns: RUNS },
    );
  });

  test('any sequence of allowed actions keeps a consistent state, and deleting is final', () => {
    fc.assert(
      fc.property(consistentState, fc.array(anyAction, { maxLength: 30 }), (start, actions) => {
        let state = start;
        let deleted = false;
        for (const action of actions) {
          const t = applyAction(state, action);
          assert.equal(t.ok, allowedActions(state).includes(action));
          if (!t.ok) continue;
          assert.ok(!deleted, 'an action was allowed after deletion');
          state = t.state;
          assert.ok(isConsistent(state), `${action} led to ${JSON.stringify(state)}`);
          deleted = state.status === 'deleting';
        }
      }),
      { numRuns: RUNS },
    );
  });
});

import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import type { Principal } from '../db/scope.js';
import type { SigningKeys } from '../auth/signing-keys.js';
import type { Role } from '../auth/roles.js';
import type { Jobs } from '../jobs/queue.js';

/** A verified embed session: who, for which org, in which role, from which origins. */
export interface SessionPrincipal {
  kind: 'user';
  userId: string;
  orgId: string;
  role: Role;
  origins: string[];
  expiresAt: Date;
}

export interface ApiKeyPrincipal {
  kind: 'api_key';
  apiKeyId: string;
  orgId: string;
  scopes: string[];
}

export interface Deps {
  db: Database;
  keys: SigningKeys;
  config: Config;
  /** Injected so tests can move time; defaults to the wall clock. */
  now?: () => Date;
  /**
   * The job queue. Routes record their work in the database first (a tenant marked
   * `deleting`, an email row `queued`) and then nudge the queue; without one (some tests),
   * the work waits for the next worker's start-up sweep.
   */
  jobs?: Jobs;
}

export type AppEnv = {
  Variables: {
    requestId: string;
    deps: Deps;
    session: SessionPrincipal;
    apiKey: ApiKeyPrincipal;
  };
};

export function dbPrincipal(p: SessionPrincipal | ApiKeyPrincipal): Principal {
  return p.kind === 'user'
    ? { kind: 'user', userId: p.userId, role: p.role, orgId: p.orgId }
    : { kind: 'api_key', apiKeyId: p.apiKeyId, orgId: p.orgId };
}

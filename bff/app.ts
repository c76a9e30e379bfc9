import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import type { Deps } from './http/env.js';
import { HttpProblem, problemResponse } from './http/problem.js';
import { router } from './http/router.js';
import { billingRoutes } from './routes/billing.js';
import { customersRoutes } from './routes/customers.js';
import { embedSessionRoutes } from './routes/embed-sessions.js';
import { fleetRoutes } from './routes/fleet.js';
import { fleetTagRoutes } from './routes/fleet-tags.js';
import { ipDistributionRoutes } from './routes/ip-distribution.js';
import { licencesRoutes } from './routes/licences.js';
import { lifecycleRoutes } from './routes/lifecycle.js';
import { meRoutes } from './routes/me.js';
import { onboardingRoutes } from './routes/onboarding.js';
import { preferencesRoutes } from './routes/preferences.js';
import { notificationPreferencesRoutes } from './routes/notification-preferences.js';
import { pricingRoutes } from './routes/pricing.js';
import { themesRoutes } from './routes/themes.js';
import { reportsRoutes } from './routes/reports.js';
import { reportEmailRoutes } from './routes/report-emails.js';
import { reportScheduleRoutes } from './routes/report-schedules.js';
import { scanScheduleRoutes } from './routes/scan-schedules.js';
import { searchRoutes } from './routes/search.js';
import { usageRoutes } from './routes/usage.js';
import { wellKnownRoutes } from './routes/well-known.js';

export type { Deps } from './http/env.js';

const ALLOWED_REQUEST_HEADERS = 'Authorization, Content-Type, If-Match, Idempotency-Key, X-Request-Id';
const EXPOSED_HEADERS = 'ETag, X-Request-Id, Retry-After, RateLimit-Limit, RateLimit-Remaining, Content-Disposition, Location, Idempotent-Replayed';

/**
 * Builds the BFF. No I/O happens here; `deps` carries the database, the signing keys and the
 * configuration, so a test builds an app in one line.
 */
export function createApp(deps: Deps) {
  const app = router();

  app.use('*', requestId());
  app.use('*', async (c, next) => {
    c.set('deps', deps);
    await next();
    c.header('x-request-id', c.var.requestId);
  });
  // An email preview is made to be framed by the pages of the session that asked for it; its own
  // CSP (frame-ancestors) names them, so X-Frame-Options (same origin only) must not refuse them.
  const headers = secureHeaders({ crossOriginResourcePolicy: 'cross-origin' });
  const framableHeaders = secureHeaders({ crossOriginResourcePolicy: 'cross-origin', xFrameOptions: false });
  app.use('*', (c, next) => (c.req.path.startsWith('/v1/email-previews/') ? framableHeaders : headers)(c, next));
  // CORS preflight grants nothing by itself: the real request is refused unless its Origin is
  // one its session was minted for (requireSession), and only then may the page read it.
  app.use('/v1/*', async (c, next) => {
    const origin = c.req.header('origin');
    if (c.req.method === 'OPTIONS' && origin) {
      return c.body(null, 204, {
        'access-control-allow-origin': origin,
        'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE',
        'access-control-allow-headers': ALLOWED_REQUEST_HEADERS,
        'access-control-max-age': '600',
        vary: 'Origin',
      });
    }
    await next();
    if (origin) c.header('access-control-expose-headers', EXPOSED_HEADERS);
    // Let the page read authentication failures so it can refresh its session.
    if (origin && c.res.status === 401 && !c.res.headers.has('access-control-allow-origin')) {
      c.header('access-control-allow-origin', origin);
      c.header('vary', 'Origin', { append: true });
    }
  });
  // A logo upload is the image file itself (domain/logo.ts): up to 1 MB. Every other body, 64 KiB.
  const jsonLimit = bodyLimit({
    maxSize: 64 * 1024,
    onError: () => {
      throw new HttpProblem(413, 'payload_too_large', 'The request body is larger than 64 KiB.');
    },
  });
  const logoLimit = bodyLimit({
    maxSize: 1024 * 1024,
    onError: () => {
      throw new HttpProblem(413, 'payload_too_large', 'The logo is larger than 1 MB.', [{ pointer: '#/body', detail: 'must be at most 1 MB' }]);
    },
  });
  app.use('/v1/*', (c, next) => (c.req.method === 'PUT' && /^\/v1\/themes\/[^/]+\/logo$/.test(c.req.path) ? logoLimit : jsonLimit)(c, next));

  app.route('/', wellKnownRoutes());
  app.route('/', embedSessionRoutes());
  app.route('/', meRoutes());
  app.route('/', preferencesRoutes());
  app.route('/', notificationPreferencesRoutes());
  app.route('/', fleetRoutes());
  app.route('/', fleetTagRoutes());
  app.route('/', customersRoutes());
  app.route('/', licencesRoutes());
  app.route('/', lifecycleRoutes());
  app.route('/', onboardingRoutes());
  app.route('/', pricingRoutes());
  app.route('/', reportsRoutes());
  app.route('/', ipDistributionRoutes());
  app.route('/', billingRoutes());
  app.route('/', themesRoutes());
  app.route('/', reportEmailRoutes());
  app.route('/', reportScheduleRoutes());
  app.route('/', scanScheduleRoutes());
  app.route('/', searchRoutes());
  app.route('/', usageRoutes());

  app.openAPIRegistry.registerComponent('securitySchemes', 'embedSession', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A short-lived embed-session token minted by POST /v1/embed-sessions.',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: "An MSP's server-side API key (`pk_…`). Never send it to a browser.",
  });
  app.doc31('/v1/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Portico BFF',
      version: '1',
      description: 'Backend-for-frontend of the Portico widget kit. Errors are RFC 9457 problem+json.',
    },
  });

  app.notFound((c) => problemResponse(c, new HttpProblem(404, 'not_found', `No route for ${c.req.method} ${c.req.path}.`)));
  app.onError((error, c) => {
    if (error instanceof HttpProblem) return problemResponse(c, error);
    if (error instanceof HTTPException) {
      const status = error.status;
      const type = status === 401 ? 'authentication_error' : status === 404 ? 'not_found' : status === 413 ? 'payload_too_large' : 'invalid_request';
      // Hono's validator throws these when the body does not parse (`Malformed JSON in request body`).
      const errors = status === 400 && error.message.startsWith('Malformed') ? [{ pointer: '#/body', detail: error.message }] : undefined;
      if (status < 500) return problemResponse(c, new HttpProblem(status, type, error.message || 'The request is not valid.', errors));
    }
    console.error(`[${c.var.requestId}] ${c.req.method} ${c.req.path}:`, error);
    return problemResponse(
      c,
      new HttpProblem(500, 'internal_error', `Something went wrong on our side. Quote request id ${c.var.requestId ?? 'unknown'}.`),
    );
  });
  return app;
}

export type App = ReturnType<typeof createApp>;

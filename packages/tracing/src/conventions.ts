/**
 * Names DogBook's services, its tools and its tracing must agree on, in one place.
 */

/**
 * DogBook's services: each a folder under services/, a name in compose and Kubernetes, its
 * OTEL_SERVICE_NAME, the first segment of its paths (`/api/v1/dogs`) and a fault target.
 */
export const SERVICE_NAMES = ['kennels', 'inventory', 'dogs'] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The baggage member, and the span attribute it becomes, that names whose request a span belongs to. */
export const LEARNER_KEY = 'dogbook.learner';

/** DogBook's own baggage members all start with this; any other key is none of its business. */
export const DOGBOOK_BAGGAGE_PREFIX = 'dogbook.';

export const isDogbookBaggageKey = (key: string): boolean => key.startsWith(DOGBOOK_BAGGAGE_PREFIX);

/**
 * A learner's name, as `dogbook.learner` carries it, the services accept it and the trace viewer
 * and `pnpm lab` look it up: short, and safe to print and to put in a query.
 */
export const LEARNER_NAME = /^[A-Za-z0-9_-]{1,32}$/;
export const LEARNER_NAME_RULE = '1-32 characters of A-Z a-z 0-9 _ -';

/** Every service's probes: liveness and readiness. */
export const HEALTH_CHECK_PATHS = ['/healthz', '/readyz'] as const;

/**
 * Whether a request's URL (`/readyz?full=1` too) is a probe: asked every few seconds by
 * orchestrators, it would drown the real traces and log lines.
 */
export function isHealthCheck(url: string | undefined): boolean {
  const path = url?.split('?', 1)[0] ?? '';
  return (HEALTH_CHECK_PATHS as readonly string[]).includes(path);
}

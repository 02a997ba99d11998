/**
 * DogBook's services: each a folder under services/, a name in compose and Kubernetes, its
 * OTEL_SERVICE_NAME, and the first segment of its paths (`/api/v1/dogs`). Imported on its own
 * (`@dogbook/service-kit/services`) by the tools that start or check them.
 */
export const SERVICE_NAMES = ['kennels', 'inventory', 'dogs'] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

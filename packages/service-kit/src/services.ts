/**
 * DogBook's services, for the tools that start or check them (`@dogbook/service-kit/services`).
 * The list itself lives with the other names DogBook agrees on, in @dogbook/tracing's conventions.
 */
export { SERVICE_NAMES, type ServiceName } from '@dogbook/tracing/conventions';

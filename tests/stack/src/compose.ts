/**
 * The stack checks' rules about compose services: which run by default, which DogBook builds,
 * which runs an image. Reading the file is @dogbook/stack/compose's job, shared with the stack.
 */
import { type ComposeFile, type ComposeService, imageParts } from '@dogbook/stack/compose';

/** Whether `docker compose up` starts the service: it belongs to no opt-in profile. */
export const inDefaultStack = (service: ComposeService): boolean => service.profiles === undefined;

/**
 * DogBook's own Node services: those of the default stack that compose builds from the
 * repository's Dockerfile, at its default (last) stage (not the opt-in load generator, which is
 * built there too, nor the gateway, built from its `gateway` stage).
 */
export function builtServices(compose: ComposeFile): string[] {
  return Object.entries(compose.services)
    .filter(([, service]) => service.build !== undefined && buildTarget(service) === undefined && inDefaultStack(service))
    .map(([name]) => name);
}

/** The Dockerfile stage compose builds for a service; undefined for the default, the last one. */
export function buildTarget(service: ComposeService): string | undefined {
  return typeof service.build === 'object' ? service.build.target : undefined;
}

/** The services that run only when their profile is asked for: `docker compose --profile load up`. */
export function optInServices(compose: ComposeFile): string[] {
  return Object.entries(compose.services)
    .filter(([, service]) => !inDefaultStack(service))
    .map(([name]) => name);
}

/** The compose service that runs `image` (the repository part, without a tag), if any. */
export function serviceRunning(compose: ComposeFile, imageRepository: string): string | undefined {
  return Object.entries(compose.services).find(
    ([, service]) => service.image !== undefined && imageParts(service.image).repository === imageRepository,
  )?.[0];
}

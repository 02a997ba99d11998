import { z } from 'zod';

/** Settings every service reads, with their documented defaults. */
export const baseConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** The address to listen on: every interface in a container; 127.0.0.1 under `pnpm dev` (dev.env). */
  HOST: z.union([z.ipv4(), z.ipv6(), z.literal('localhost')]).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * `on` (a teaching demo) lets a request's baggage inject faults into this service's look-ups;
   * `off` ignores every fault directive, as any real service must treat such input.
   */
  FAULT_INJECTION: z.enum(['on', 'off']).default('on'),
});

/**
 * Reads and validates the environment once, at start. A wrong value stops the service with a
 * message naming the variable, rather than surfacing later as a confusing failure.
 */
export function readConfig<Schema extends z.ZodType>(schema: Schema, env = process.env): z.infer<Schema> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new Error(`invalid configuration:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

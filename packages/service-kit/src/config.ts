import { z } from 'zod';

/** Settings every service reads, with their documented defaults. */
export const baseConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
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

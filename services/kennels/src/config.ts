import { z } from 'zod';
import { baseConfigSchema, readConfig } from '@dogbook/service-kit';

export const configSchema = baseConfigSchema.extend({
  INVENTORY_URL: z.url().default('http://inventory:8080'),
  DOGS_URL: z.url().default('http://dogs:8080'),
  /** How long one call to inventory or dogs may take before kennels gives up on it. */
  DOWNSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(2000),
});

export type Config = z.infer<typeof configSchema>;

export const loadConfig = (env = process.env): Config => readConfig(configSchema, env);

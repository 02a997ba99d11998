import { z } from 'zod';
import { baseConfigSchema, readConfig } from '@dogbook/service-kit';

export const configSchema = baseConfigSchema.extend({
  /** Stands in for a database round trip on every dog look-up. */
  SIMULATED_LATENCY_MS: z.coerce.number().int().min(0).default(100),
});

export type Config = z.infer<typeof configSchema>;

export const loadConfig = (env = process.env): Config => readConfig(configSchema, env);

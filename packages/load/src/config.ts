import { z } from 'zod';

/**
 * The longest one Node timer can wait (2^31 - 1 ms, about 24.8 days). loadtest always runs for a
 * set time, so "until stopped" is a run of this length.
 */
export const UNTIL_STOPPED_S = 2_147_483;

/** Each variable's rule, said once: it is both the check and the error message. */
const RULES = {
  DOGBOOK_URL: "the gateway's address, http(s) and no path, such as http://localhost:8080",
  LOAD_RPS: 'requests per second: a number above 0, at most 1000',
  LOAD_DURATION_S: `seconds to run: a number above 0, at most ${UNTIL_STOPPED_S}; unset runs until stopped`,
  LOAD_FAULTS: 'the share of requests that carry a fault: a number from 0 to 1, such as 0.05',
} as const;

export const configSchema = z.object({
  DOGBOOK_URL: z
    .url({ protocol: /^https?$/, error: RULES.DOGBOOK_URL })
    .refine((url) => new URL(url).pathname === '/', RULES.DOGBOOK_URL)
    .default('http://localhost:8080'),
  LOAD_RPS: z.coerce.number({ error: RULES.LOAD_RPS }).gt(0, RULES.LOAD_RPS).max(1000, RULES.LOAD_RPS).default(5),
  LOAD_DURATION_S: z.coerce
    .number({ error: RULES.LOAD_DURATION_S })
    .gt(0, RULES.LOAD_DURATION_S)
    .max(UNTIL_STOPPED_S, RULES.LOAD_DURATION_S)
    .optional(),
  LOAD_FAULTS: z.coerce.number({ error: RULES.LOAD_FAULTS }).min(0, RULES.LOAD_FAULTS).max(1, RULES.LOAD_FAULTS).default(0.05),
});

export type LoadConfig = z.infer<typeof configSchema>;

/** Reads the environment once; a bad value is an error naming the variable and what it expects. */
export function readLoadConfig(env: NodeJS.ProcessEnv = process.env): LoadConfig {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid configuration:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

import type { Express } from 'express';
import { createLogger, createServiceApp, type Logger } from '@dogbook/service-kit';
import type { Config } from './config';
import { createDogStore } from './dogs';
import { dogRoutes } from './routes';

export function createApp(
  config: Pick<Config, 'SIMULATED_LATENCY_MS'>,
  logger: Logger = createLogger('dogs'),
): Express {
  return createServiceApp(logger, dogRoutes(createDogStore(config.SIMULATED_LATENCY_MS)));
}

import type { Express } from 'express';
import { createLogger, createServiceApp, type Logger } from '@dogbook/service-kit';
import type { Config } from './config';
import { createNeighbours } from './neighbours';
import { kennelRoutes } from './routes';

export function createApp(
  config: Pick<Config, 'INVENTORY_URL' | 'DOGS_URL' | 'DOWNSTREAM_TIMEOUT_MS'>,
  logger: Logger = createLogger('kennels'),
): Express {
  return createServiceApp(logger, kennelRoutes(createNeighbours(config)));
}

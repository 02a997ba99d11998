import type { Express } from 'express';
import { createLogger, createServiceApp, type Logger } from '@dogbook/service-kit';
import type { Config } from './config';
import { createNeighbours } from './neighbours';
import { kennelRoutes } from './routes';

export function createApp(
  config: Pick<Config, 'INVENTORY_URL' | 'DOGS_URL' | 'DOWNSTREAM_TIMEOUT_MS'> & Partial<Pick<Config, 'FAULT_INJECTION'>>,
  logger: Logger = createLogger('kennels'),
): Express {
  const routes = kennelRoutes(createNeighbours(config));
  return createServiceApp(logger, routes, { faultInjection: config.FAULT_INJECTION !== 'off' });
}

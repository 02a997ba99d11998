import type { Express } from 'express';
import { createLogger, createServiceApp, type Logger } from '@dogbook/service-kit';
import type { Config } from './config';
import { createInventoryStore } from './inventory';
import { inventoryRoutes } from './routes';

export function createApp(
  config: Pick<Config, 'SIMULATED_LATENCY_MS'>,
  logger: Logger = createLogger('inventory'),
): Express {
  return createServiceApp(logger, inventoryRoutes(createInventoryStore(config.SIMULATED_LATENCY_MS)));
}

import type { Express } from 'express';
import { createLogger, createServiceApp, type Logger } from '@dogbook/service-kit';
import type { Config } from './config';
import { createInventoryStore } from './inventory';
import { inventoryRoutes } from './routes';

export function createApp(
  config: Pick<Config, 'SIMULATED_LATENCY_MS'> & Partial<Pick<Config, 'FAULT_INJECTION'>>,
  logger: Logger = createLogger('inventory'),
): Express {
  const routes = inventoryRoutes(createInventoryStore(config.SIMULATED_LATENCY_MS));
  return createServiceApp(logger, routes, { faultInjection: config.FAULT_INJECTION !== 'off' });
}

import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { createApp as createDogsApp } from '@dogbook/dogs/app';
import { createApp as createInventoryApp } from '@dogbook/inventory/app';
import { createLogger } from '@dogbook/service-kit';

async function listen(app: Express): Promise<{ url: string; server: Server }> {
  const server = createServer(app).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

/** A URL where nothing listens: the port was free a moment ago and is closed again. */
export async function deadUrl(): Promise<string> {
  const { url, server } = await listen(createDogsApp({ SIMULATED_LATENCY_MS: 0 }));
  server.close();
  await once(server, 'close');
  return url;
}

/** The real inventory and dogs apps, served over real HTTP on ephemeral ports. */
export async function startNeighbours(latency: { inventoryMs?: number; dogsMs?: number } = {}) {
  const silent = createLogger('test', 'silent');
  const inventory = await listen(createInventoryApp({ SIMULATED_LATENCY_MS: latency.inventoryMs ?? 0 }, silent));
  const dogs = await listen(createDogsApp({ SIMULATED_LATENCY_MS: latency.dogsMs ?? 0 }, silent));
  return {
    inventoryUrl: inventory.url,
    dogsUrl: dogs.url,
    async close() {
      for (const { server } of [inventory, dogs]) {
        server.closeAllConnections();
        server.close();
      }
    },
  };
}

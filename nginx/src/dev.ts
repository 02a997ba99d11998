/**
 * `pnpm dev`: the gateway on port 8080 in front of the services that `pnpm dev` starts (on the ports
 * of their dev.env files), with the same template that docker compose uses. Whether the whole of
 * DogBook is ready, and where to send requests, is said once every part answers, by @dogbook/dev.
 */
import { DEV_GATEWAY_PORT, devServicePorts, devViewerPort } from './dev-ports';
import { missingTools, startNginx } from './local-nginx';

async function main() {
  const missing = missingTools();
  if (missing.length > 0) {
    // Exit 0: the services and the trace viewer are useful without a gateway, and a failed task
    // would stop `pnpm dev`.
    console.log(`DogBook: no gateway on port ${DEV_GATEWAY_PORT}, because this machine lacks ${missing.join(' and ')}.`);
    return;
  }
  const ports = devServicePorts();
  const gateway = await startNginx({
    port: DEV_GATEWAY_PORT,
    // startNginx listens on 127.0.0.1 only: on a workshop laptop the gateway stays off the network.
    upstreams: {
      kennels: `127.0.0.1:${ports.kennels}`,
      inventory: `127.0.0.1:${ports.inventory}`,
      dogs: `127.0.0.1:${ports.dogs}`,
      // The page's spans go to the trace viewer, as the services' do.
      traces: `127.0.0.1:${devViewerPort()}`,
    },
    echoErrors: true,
  });
  console.log(`DogBook: the gateway (nginx) logs each request with its trace id in ${gateway.accessLogPath}`);
  const stop = () => void gateway.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`DogBook: the gateway did not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

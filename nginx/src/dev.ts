/**
 * `pnpm dev`: the gateway on port 8080 in front of the services that `pnpm dev` starts (on the ports
 * of their dev.env files), with the same template that docker compose uses. Whether the whole of
 * DogBook is ready, and where to send requests, is said once every part answers, by @dogbook/dev.
 */
import { DEV_GATEWAY_PORT, devServicePorts, devViewerPort } from './dev-ports';
import { missingTools, startNginx, type Upstreams } from './local-nginx';

/**
 * Runs nginx until this process is told to stop; if nginx itself ends (a crash, a signal), this
 * process ends too, with status 1 and the reason, so that whoever started it (pnpm dev) sees the
 * gateway gone and can start it again.
 */
export async function runDevGateway(port: number, upstreams: Upstreams): Promise<void> {
  // startNginx listens on 127.0.0.1 only: on a workshop laptop the gateway stays off the network.
  const gateway = await startNginx({ port, upstreams, echoErrors: true });
  console.log(`DogBook: the gateway (nginx) logs each request with its trace id in ${gateway.accessLogPath}`);
  let stopping = false;
  const stop = () => {
    stopping = true;
    void gateway.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  void gateway.exited.then(({ code, signal }) => {
    if (stopping) return;
    console.error(`DogBook: nginx ended by itself (${signal ? `killed by ${signal}` : `exit status ${code}`})`);
    process.exit(1);
  });
}

async function main() {
  const missing = missingTools();
  if (missing.length > 0) {
    // Exit 0: the services and the trace viewer are useful without a gateway, and pnpm dev takes
    // a part that ends with 0 at start as one that chose not to run.
    console.log(`DogBook: no gateway on port ${DEV_GATEWAY_PORT}, because this machine lacks ${missing.join(' and ')}.`);
    return;
  }
  const ports = devServicePorts();
  await runDevGateway(DEV_GATEWAY_PORT, {
    kennels: `127.0.0.1:${ports.kennels}`,
    inventory: `127.0.0.1:${ports.inventory}`,
    dogs: `127.0.0.1:${ports.dogs}`,
    // The page's spans go to the trace viewer, as the services' do.
    traces: `127.0.0.1:${devViewerPort()}`,
  });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(`DogBook: the gateway did not start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}

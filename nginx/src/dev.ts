/**
 * `pnpm dev`: the gateway on port 8080 in front of the services that `pnpm dev` starts on 8081-8083,
 * with the same template that docker compose uses.
 */
import { missingTools, startNginx } from './local-nginx';

const PORT = 8080;
/** Where `pnpm dev` runs the services: services/<name>/dev.env. */
const KENNELS_PORT = 8081;
const INVENTORY_PORT = 8082;
const DOGS_PORT = 8083;

async function main() {
  const missing = missingTools();
  if (missing.length > 0) {
    // Exit 0: the services and the trace viewer are useful without a gateway, and a failed task
    // would make turbo stop them all.
    console.log(
      `DogBook: no gateway on port ${PORT}, because this machine lacks ${missing.join(' and ')}.\n` +
        `DogBook: send requests straight to kennels: http://localhost:${KENNELS_PORT}/api/v1/kennels/2`,
    );
    return;
  }
  const gateway = await startNginx({
    port: PORT,
    // startNginx listens on 127.0.0.1 only: on a workshop laptop the gateway stays off the network.
    upstreams: {
      kennels: `127.0.0.1:${KENNELS_PORT}`,
      inventory: `127.0.0.1:${INVENTORY_PORT}`,
      dogs: `127.0.0.1:${DOGS_PORT}`,
    },
    echoErrors: true,
  });
  console.log(
    `DogBook: send requests to ${gateway.url}/api/v1/kennels/2\n` +
      `DogBook: nginx logs each request with its trace id in ${gateway.accessLogPath}`,
  );
  const stop = () => void gateway.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`DogBook: the gateway did not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

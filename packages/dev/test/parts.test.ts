import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT } from '@dogbook/trace-viewer';
import { missingTools } from '@dogbook/nginx';
import { freePort } from '@dogbook/processes';
import { devSetup } from '../src/parts';

const SERVICES = join(__dirname, '..', '..', '..', 'services');
const devEnv = (service: string) => parseEnv(readFileSync(join(SERVICES, service, 'dev.env'), 'utf8'));

describe("pnpm dev's parts", () => {
  it("when the parts are read, then each service is on its dev.env's port, the viewer on its own, the gateway only with nginx", () => {
    const { parts, entry } = devSetup({});
    const portOf = (name: string) => parts.find((part) => part.name === name)?.port;

    for (const service of ['kennels', 'inventory', 'dogs']) expect(portOf(service)).toBe(Number(devEnv(service).PORT));
    expect(portOf('the trace viewer')).toBe(DEFAULT_PORT);
    expect(devSetup({ TRACE_VIEWER_PORT: '14318' }).parts.find((part) => part.name === 'the trace viewer')?.port).toBe(14318);
    const nginx = missingTools().length === 0;
    expect(portOf('the gateway (nginx)')).toBe(nginx ? 8080 : undefined);
    expect(entry).toBe(`http://localhost:${nginx ? 8080 : devEnv('kennels').PORT}/api/v1/kennels/2`);
  });

  it("when DogBook is ready, then the notes name the trace viewer's page, and the DogBook page when nginx serves it", () => {
    const { notes } = devSetup({ TRACE_VIEWER_PORT: '14318' });

    expect(notes).toContain(
      "traces print here as waterfalls, and show on the trace viewer's page: http://localhost:14318/ (as JSON at http://localhost:14318/api/traces)",
    );
    const nginx = missingTools().length === 0;
    expect(notes.some((note) => note.includes('http://localhost:8080/'))).toBe(nginx);
  });

  it('when the services read their dev.env, then they send spans to the trace viewer and find each other where they run', () => {
    for (const service of ['kennels', 'inventory', 'dogs']) {
      expect(new URL(devEnv(service).OTEL_EXPORTER_OTLP_ENDPOINT!).port).toBe(String(DEFAULT_PORT));
    }
    expect(new URL(devEnv('kennels').INVENTORY_URL!).port).toBe(devEnv('inventory').PORT);
    expect(new URL(devEnv('kennels').DOGS_URL!).port).toBe(devEnv('dogs').PORT);
  });

  it('when a service starts with its dev.env, then it listens on 127.0.0.1 only', async () => {
    const port = await freePort();
    // As `pnpm dev` starts it, with the port moved (a variable set outside dev.env wins) and no spans sent.
    const dogs = spawn(process.execPath, ['--env-file=dev.env', 'dist/server.js'], {
      cwd: join(SERVICES, 'dogs'),
      env: { PATH: process.env.PATH ?? '', PORT: String(port), LOG_LEVEL: 'info' },
    });
    try {
      let output = '';
      dogs.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      const listening = await new Promise<Record<string, unknown>>((resolve, reject) => {
        dogs.once('exit', () => reject(new Error(`dogs exited:\n${output}`)));
        const timer = setInterval(() => {
          const line = output.split('\n').find((text) => text.includes('"msg":"listening"'));
          if (line) {
            clearInterval(timer);
            resolve(JSON.parse(line) as Record<string, unknown>);
          }
        }, 50);
      });

      expect(listening).toMatchObject({ host: '127.0.0.1', port });
      // From another address of this machine, if it has one, nothing answers on that port.
      const external = Object.values(networkInterfaces())
        .flat()
        .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;
      if (external) {
        const refused = await new Promise<boolean>((resolve) => {
          const socket = connect({ host: external, port }, () => {
            socket.destroy();
            resolve(false);
          });
          socket.once('error', () => resolve(true));
        });
        expect(refused).toBe(true);
      }
    } finally {
      dogs.kill('SIGKILL');
    }
  });
});

/**
 * The one mapping from the compose network to this machine. Compose gives every container its own
 * address, reachable by service name (`prometheus:9090`), and mounts volumes at fixed paths (`/prometheus`).
 * Here all processes share 127.0.0.1, each on a port of its own, and keep their data under `.stack/`.
 * So, and only so, the committed files are rewritten:
 *
 * 1. a compose address another service dials (`tempo:4318`, `http://loki:3100`) becomes
 *    `127.0.0.1:<port>` of the process that plays that service;
 * 2. an address the file's own process listens on (`0.0.0.0:4317`) becomes `127.0.0.1:<port>`;
 * 3. a path under a named volume (`/prometheus`) becomes `.stack/data/<volume>`.
 *
 * Every other byte of the file stays as committed. Listen addresses a file leaves to the program's
 * default (the collector's own metrics on 8888) are moved by command-line flags that override the
 * file; compose's own flags are kept, their container paths mapped like the files.
 * test/local-config.test.ts proves all of this.
 */
import { basename, join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { Upstreams } from '@dogbook/nginx';
import { type ComposeFile, REPO_ROOT, commandOf, environmentOf, mountsOf, service } from './compose';

/** The ports the processes listen on, all on 127.0.0.1. */
export interface Ports {
  gateway: number;
  kennels: number;
  inventory: number;
  dogs: number;
  collectorOtlpGrpc: number;
  collectorOtlpHttp: number;
  collectorHealth: number;
  /** The collector's own metrics (otelcol_*), 8888 by default. */
  collectorMetrics: number;
  /** The trace viewer, in Tempo's place: the OTLP/HTTP receiver the collector sends traces to. */
  traceViewer: number;
  /** The log receiver, in Loki's place. */
  logReceiver: number;
  prometheus: number;
}

export const PORT_NAMES: Array<keyof Ports> = [
  'gateway',
  'kennels',
  'inventory',
  'dogs',
  'collectorOtlpGrpc',
  'collectorOtlpHttp',
  'collectorHealth',
  'collectorMetrics',
  'traceViewer',
  'logReceiver',
  'prometheus',
];

/**
 * The backends run here from compose's own files. Tempo and Loki are not among them: their Go
 * modules are AGPL, so they are never built; the stack's OTLP/HTTP receivers take their addresses.
 */
export type Backend = 'otel-collector' | 'prometheus';

const local = (port: number) => `127.0.0.1:${port}`;

/**
 * Rule 1: what one container dials to reach another, and who answers here. Tempo's query API
 * (tempo:3200, which prometheus.yaml scrapes) has no stand-in and stays as written.
 */
export function dialedAddresses(ports: Ports): Record<string, string> {
  return {
    'kennels:8080': local(ports.kennels),
    'inventory:8080': local(ports.inventory),
    'dogs:8080': local(ports.dogs),
    'otel-collector:4317': local(ports.collectorOtlpGrpc),
    'otel-collector:4318': local(ports.collectorOtlpHttp),
    'tempo:4318': local(ports.traceViewer),
    'loki:3100': local(ports.logReceiver),
    'prometheus:9090': local(ports.prometheus),
  };
}

/** Rule 2: the addresses each backend's own file says it listens on (or, for Prometheus, scrapes itself at). */
function ownAddresses(backend: Backend, ports: Ports): Record<string, string> {
  switch (backend) {
    case 'otel-collector':
      return {
        '0.0.0.0:13133': local(ports.collectorHealth),
        '0.0.0.0:4317': local(ports.collectorOtlpGrpc),
        '0.0.0.0:4318': local(ports.collectorOtlpHttp),
      };
    case 'prometheus':
      return { 'localhost:9090': local(ports.prometheus) };
  }
}

/** Listen addresses the files leave to a bare port number or to the default: flags move them. */
function listenFlags(backend: Backend, ports: Ports): string[] {
  switch (backend) {
    case 'otel-collector':
      // A further configuration source, merged over the files: only the collector's metrics reader.
      return [
        `--config=yaml:service::telemetry::metrics::readers: [{pull: {exporter: {prometheus: {host: 127.0.0.1, port: ${ports.collectorMetrics}}}}}]`,
      ];
    case 'prometheus':
      return [`--web.listen-address=${local(ports.prometheus)}`];
  }
}

/**
 * Replaces each key of `pairs` wherever it stands as a whole address or path: `loki:3100` in
 * `http://loki:3100/otlp`, `/loki` in `/loki/chunks`, but not `/loki` inside `/lokis`, `a.loki`
 * or `//loki:3100`. One pass, longest first, so a replacement is never rewritten again.
 */
export function substitute(text: string, pairs: Record<string, string>): string {
  const froms = Object.keys(pairs).sort((a, b) => b.length - a.length);
  if (froms.length === 0) return text;
  const escaped = froms.map((from) => from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(?<![\\w.-])(?:${escaped.join('|')})(?![\\w.:-])`, 'g');
  return text.replace(pattern, (match) => pairs[match]!);
}

export interface LocalFile {
  /** The committed file, relative to the repository root: `otel-config.yaml`. */
  source: string;
  /** Where the rewritten copy goes. */
  path: string;
  text: string;
}

export interface BackendPlan {
  backend: Backend;
  /** Compose's command with its container paths mapped, then the listen flags. */
  args: string[];
  files: LocalFile[];
  /** Folders to create first: the named volumes. */
  dataDirs: string[];
}

/**
 * How to run one compose backend here: its arguments, its rewritten configuration files and its
 * data folders, all under `stackDir`.
 */
export function planBackend(compose: ComposeFile, backend: Backend, ports: Ports, stackDir: string): BackendPlan {
  const svc = service(compose, backend);
  const mounts = mountsOf(svc);
  // Rule 3, and where compose mounts each committed file.
  const paths: Record<string, string> = {};
  const dataDirs: string[] = [];
  const files: LocalFile[] = [];
  for (const mount of mounts.filter((m) => m.namedVolume)) {
    paths[mount.target] = join(stackDir, 'data', mount.source);
    dataDirs.push(paths[mount.target]!);
  }
  const rewrite = { ...dialedAddresses(ports), ...ownAddresses(backend, ports), ...paths };
  for (const mount of mounts.filter((m) => !m.namedVolume)) {
    const source = mount.source.replace(/^\.\//, '');
    const path = join(stackDir, 'config', basename(source));
    files.push({ source, path, text: substitute(readFileSync(join(REPO_ROOT, source), 'utf8'), rewrite) });
    paths[mount.target] = path;
  }
  const args = commandOf(svc).map((arg) => substitute(arg, paths));
  return { backend, args: [...args, ...listenFlags(backend, ports)], files, dataDirs };
}

/**
 * A compose environment for this machine: `http://otel-collector:4318` -> `http://127.0.0.1:<port>`,
 * and PORT, the one address a service listens on, set to its own port.
 */
export function localEnvironment(env: Record<string, string>, ports: Ports, port: number): Record<string, string> {
  const dialed = dialedAddresses(ports);
  const mapped = Object.fromEntries(Object.entries(env).map(([key, value]) => [key, substitute(value, dialed)]));
  return { ...mapped, PORT: String(port) };
}

/** The upstreams compose gives the nginx image's template (`kennels:8080`), at their ports here. */
export function nginxUpstreams(compose: ComposeFile, ports: Ports): Upstreams {
  const env = environmentOf(service(compose, 'nginx'));
  const upstream = (name: string) => substitute(env[name] ?? '', dialedAddresses(ports));
  return {
    kennels: upstream('KENNELS_UPSTREAM'),
    inventory: upstream('INVENTORY_UPSTREAM'),
    dogs: upstream('DOGS_UPSTREAM'),
    traces: upstream('TRACES_UPSTREAM'),
  };
}

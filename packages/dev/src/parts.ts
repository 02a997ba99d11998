import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEV_GATEWAY_PORT, devServicePorts, devViewerPort, missingTools } from '@dogbook/nginx';
import { SERVICE_NAMES } from '@dogbook/service-kit/services';

/** One process `pnpm dev` starts, how to tell that it is ready, and what restarts it. */
export interface Part {
  /** As people call it: "kennels", "the trace viewer", "the gateway (nginx)". */
  name: string;
  /** The workspace package that builds and runs it, to say whose failed build a line of turbo reports. */
  packageName: string;
  port: number;
  /** A GET that answers 2xx once the part serves requests. */
  readyPath: string;
  /** Where it runs, and what: its package's folder and `dev` script, as an argument list. */
  dir: string;
  command: string[];
  /** Files and folders whose change restarts it: its build, its dependencies' builds, its dev.env. */
  watch: string[];
  /** Its output is the point (the viewer's waterfalls): passed on as it is, not prefixed with its name. */
  plainOutput?: boolean;
  env?: Record<string, string>;
}

export interface DevSetup {
  parts: Part[];
  /** Where to send the first request once everything answers. */
  entry: string;
  /** More to say with the ready line. */
  notes: string[];
}

/** The repository root, and the folders its workspace packages live in. */
export const REPO_ROOT = join(__dirname, '..', '..', '..');
const WORKSPACE_FOLDERS = ['packages', 'services'];

interface PackageJson {
  name: string;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
}

const readPackage = (dir: string) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;

/** Every workspace package's folder, by package name. */
function workspacePackages(): Map<string, string> {
  const dirs = [
    join(REPO_ROOT, 'nginx'),
    ...WORKSPACE_FOLDERS.flatMap((folder) => readdirSync(join(REPO_ROOT, folder)).map((name) => join(REPO_ROOT, folder, name))),
  ];
  const byName = new Map<string, string>();
  for (const dir of dirs) {
    try {
      byName.set(readPackage(dir).name, dir);
    } catch {
      // not a package
    }
  }
  return byName;
}

/** A package's `dist` folders and those of the workspace packages it runs on, all the way down. */
function builtFolders(dir: string, packages: Map<string, string>, seen = new Set<string>()): string[] {
  if (seen.has(dir)) return [];
  seen.add(dir);
  const dependencies = Object.entries(readPackage(dir).dependencies ?? {}).filter(([, version]) => version.startsWith('workspace:'));
  return [
    join(dir, 'dist'),
    ...dependencies.flatMap(([name]) => (packages.has(name) ? builtFolders(packages.get(name)!, packages, seen) : [])),
  ];
}

/**
 * A part run from its package: the `dev` script (a plain argument list, `node ...`, so it runs
 * without a shell and a signal reaches node itself), restarted when its build or dev.env changes.
 */
function partOf(
  packages: Map<string, string>,
  packageName: string,
  fields: Pick<Part, 'name' | 'port' | 'readyPath' | 'plainOutput'>,
): Part {
  const dir = packages.get(packageName);
  if (!dir) throw new Error(`no workspace package ${packageName}`);
  const script = readPackage(dir).scripts?.dev;
  if (!script) throw new Error(`${packageName} has no dev script`);
  const devEnv = script.includes('--env-file=dev.env') ? [join(dir, 'dev.env')] : [];
  return { ...fields, packageName, dir, command: script.trim().split(/\s+/), watch: [...builtFolders(dir, packages), ...devEnv] };
}

/**
 * Every part of `pnpm dev`, each on the port it takes from its own configuration: the services'
 * dev.env files, the trace viewer's TRACE_VIEWER_PORT (or its default), and the gateway's port,
 * unless this machine lacks nginx (`missing` names what it lacks), in which case there is no
 * gateway to wait for.
 */
export function devSetup(env: NodeJS.ProcessEnv = process.env, missing: string[] = missingTools()): DevSetup {
  const packages = workspacePackages();
  const services = devServicePorts();
  const viewerPort = devViewerPort(env);
  const parts: Part[] = [
    partOf(packages, '@dogbook/trace-viewer', { name: 'the trace viewer', port: viewerPort, readyPath: '/healthz', plainOutput: true }),
    ...SERVICE_NAMES.map((name) => partOf(packages, `@dogbook/${name}`, { name, port: services[name], readyPath: '/readyz' })),
  ];
  if (missing.length === 0) {
    // nginx answers /healthz itself, without asking a service: it says that nginx is up.
    parts.push(partOf(packages, '@dogbook/nginx', { name: 'the gateway (nginx)', port: DEV_GATEWAY_PORT, readyPath: '/healthz' }));
  }
  const entryPort = missing.length === 0 ? DEV_GATEWAY_PORT : services.kennels;
  return {
    parts,
    entry: `http://localhost:${entryPort}/api/v1/kennels/2`,
    notes: [
      missing.length === 0
        ? `or click through the DogBook page: http://localhost:${DEV_GATEWAY_PORT}/`
        : 'that is kennels itself: without nginx there is no gateway (and no DogBook page)',
      `traces print here as waterfalls, and show on the trace viewer's page: http://localhost:${viewerPort}/ ` +
        `(as JSON at http://localhost:${viewerPort}/api/traces)`,
    ],
  };
}

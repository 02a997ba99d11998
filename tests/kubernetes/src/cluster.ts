import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, own, type OwnedChild } from '@dogbook/processes';
import { goTool } from '@dogbook/stack-checks/go-tools';

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A real Kubernetes API server on etcd, owned by the test that started it: no nodes, no controllers. */
export interface ApiServer {
  /** Runs kubectl against this server, with `input` on its stdin. */
  kubectl(args: string[], input?: string): Promise<Run>;
  stop(): Promise<void>;
}

/** The last lines a process printed, for the error when it dies before it is ready. */
const TAIL_CHARS = 4000;

function start(bin: string, args: string[]): { child: OwnedChild; output: () => string } {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-TAIL_CHARS);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return { child: own(child), output: () => output };
}

function run(bin: string, args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

/**
 * Starts etcd and kube-apiserver on free ports, in a scratch directory, and waits until the
 * server's /readyz answers ok. `deadlineMs` bounds only a server that never gets ready.
 */
export async function startApiServer(deadlineMs = 120_000): Promise<ApiServer> {
  const [etcdBin, apiServerBin, kubectlBin] = [goTool('etcd'), goTool('kube-apiserver'), goTool('kubectl')];
  const dir = mkdtempSync(join(tmpdir(), 'dogbook-apiserver-'));
  const [clientPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];

  // The server signs service account tokens with this key; nothing here uses one.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  // One user, a cluster administrator (system:masters), known by a token only this test holds.
  const token = randomBytes(24).toString('hex');
  writeFileSync(join(dir, 'tokens.csv'), `${token},dogbook-tests,dogbook-tests,system:masters\n`);
  // The server's certificate is self-signed, made at start in --cert-dir: kubectl skips verifying
  // it, which is safe only because the server listens on 127.0.0.1 for this test alone.
  writeFileSync(
    join(dir, 'kubeconfig'),
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'test', cluster: { server: `https://127.0.0.1:${apiPort}`, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'test', user: { token } }],
      contexts: [{ name: 'test', context: { cluster: 'test', user: 'test' } }],
      'current-context': 'test',
    }),
  );
  mkdirSync(join(dir, 'certs'));

  const peer = `http://127.0.0.1:${peerPort}`;
  const client = `http://127.0.0.1:${clientPort}`;
  const etcd = start(etcdBin, [
    '--name=dogbook',
    `--data-dir=${join(dir, 'etcd')}`,
    '--log-level=warn',
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=dogbook=${peer}`,
  ]);
  const apiServer = start(apiServerBin, [
    `--etcd-servers=${client}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${apiPort}`,
    // Without a node to run them, the server's own endpoints are not reconciled (and must not be,
    // with a loopback advertise address).
    '--advertise-address=127.0.0.1',
    '--endpoint-reconciler-type=none',
    `--cert-dir=${join(dir, 'certs')}`,
    `--token-auth-file=${join(dir, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    // As real clusters do: privileged pods are then refused by Pod Security, not by this flag.
    '--allow-privileged=true',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${join(dir, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
    '--service-cluster-ip-range=10.96.0.0/16',
  ]);

  const env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: join(dir, 'kubeconfig') };
  const server: ApiServer = {
    kubectl: (args, input) => run(kubectlBin, args, env, input),
    async stop() {
      await apiServer.child.stop();
      await etcd.child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };

  const deadline = Date.now() + deadlineMs;
  for (;;) {
    for (const [name, started] of [
      ['etcd', etcd],
      ['kube-apiserver', apiServer],
    ] as const) {
      if (!started.child.running()) {
        await server.stop();
        throw new Error(`${name} exited before the API server was ready:\n${started.output()}`);
      }
    }
    const ready = await server.kubectl(['get', '--raw', '/readyz']);
    if (ready.status === 0 && ready.stdout.trim() === 'ok') return server;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(`the API server was not ready after ${deadlineMs / 1000} s:\n${apiServer.output()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

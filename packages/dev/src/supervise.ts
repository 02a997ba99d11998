import { spawn } from 'node:child_process';
import { lineSplitter, plain } from './lines';
import type { Part } from './parts';
import { portIsFree } from './ports';
import { answersOk } from '@dogbook/processes';

export interface SuperviseOptions {
  parts: Part[];
  /** What starts the parts: `turbo watch dev`. */
  command: string;
  args: string[];
  /** Where to send requests, said once every part answers. */
  entry: string;
  notes?: string[];
  /** How long the parts may take to answer, builds included, before `pnpm dev` gives up. */
  startDeadlineMs?: number;
  pollMs?: number;
  /** Where the command's output is passed on to, as it comes, and this supervisor's own lines. */
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

/** turbo reports a task that ended badly with pnpm's line, prefixed by the task: `@dogbook/kennels:dev: ... exit code 1`. */
const FAILED_TASK = /^(@?[\w./-]+):([\w-]+): .*Command failed with exit code (\d+)/;

const answers = (part: Part) => answersOk(`http://127.0.0.1:${part.port}${part.readyPath}`, 1_000);

const names = (parts: Part[]) => parts.map((part) => `${part.name} (port ${part.port})`).join(', ');

/**
 * Runs the command that starts every part of `pnpm dev` and watches over the start:
 * - before anything starts, a port that is taken stops it, naming the port and the part;
 * - "ready" is said once, when every part answers, not before;
 * - a part that cannot start (its task fails, or it does not answer in time) stops everything,
 *   with the reason, instead of leaving a watcher running with nothing listening.
 * Once ready, it only passes the output through: a failed rebuild while you edit is yours to fix.
 * Resolves to the exit status for `pnpm dev`.
 */
export async function superviseDev(options: SuperviseOptions): Promise<number> {
  const {
    parts,
    startDeadlineMs = 180_000,
    pollMs = 250,
    stdout = (text) => void process.stdout.write(text),
    stderr = (text) => void process.stderr.write(text),
  } = options;
  const say = (line: string) => stdout(`${line}\n`);

  const taken: Part[] = [];
  for (const part of parts) if (!(await portIsFree(part.port))) taken.push(part);
  if (taken.length > 0) {
    for (const part of taken) say(`DogBook cannot start: port ${part.port} is taken, and ${part.name} needs it.`);
    say(
      `Stop the program that listens there (\`lsof -i :${taken[0]!.port}\` names it): an OpenTelemetry Collector, ` +
        'an earlier pnpm dev, the docker compose stack?',
    );
    return 1;
  }

  // A process group of its own, so that a signal reaches the command and everything it started
  // (turbo runs behind a small launcher); Ctrl-C is passed on to that group below.
  const child = spawn(options.command, options.args, { stdio: ['inherit', 'pipe', 'pipe'], detached: true });
  const signalAll = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // already gone
    }
  };
  let ready = false;
  let failure: string | undefined;
  const exited = new Promise<number>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.once('error', (error) => {
      failure ??= `${options.command} could not be started: ${error.message}`;
      resolve(1);
    });
  });

  const fail = (reason: string) => {
    if (ready || failure) return;
    failure = reason;
    say(`DogBook did not start: ${reason}. Its output says why; stopping everything.`);
    signalAll('SIGINT');
    setTimeout(() => signalAll('SIGKILL'), 10_000).unref();
  };

  const watch = (line: string) => {
    const failed = FAILED_TASK.exec(plain(line));
    if (!failed) return;
    const [, packageName, task, code] = failed;
    const part = parts.find((candidate) => candidate.packageName === packageName);
    fail(`${part ? part.name : packageName} could not ${task === 'build' ? 'be built' : 'start'} (${packageName}#${task} exited with ${code})`);
  };
  for (const [stream, passOn] of [
    [child.stdout, stdout],
    [child.stderr, stderr],
  ] as const) {
    const lines = lineSplitter(watch);
    stream.setEncoding('utf8').on('data', (chunk: string) => {
      passOn(chunk);
      lines.push(chunk);
    });
    stream.on('end', () => lines.end());
  }

  // Ctrl-C reaches this process only: pass it on, and wait for the command to stop its tasks.
  const onSigint = () => signalAll('SIGINT');
  const onSigterm = () => signalAll('SIGTERM');
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigterm);

  const startedAt = Date.now();
  let nextNote = startedAt + 15_000;
  let running = true;
  void exited.then(() => (running = false));
  const pending = new Set(parts);
  while (running && !ready && !failure) {
    for (const part of [...pending]) if (await answers(part)) pending.delete(part);
    if (pending.size === 0) {
      ready = true;
      say(`DogBook is ready: send requests to ${options.entry}`);
      for (const note of options.notes ?? []) say(`DogBook: ${note}`);
    } else if (Date.now() - startedAt > startDeadlineMs) {
      fail(`${names([...pending])} did not answer within ${Math.round(startDeadlineMs / 1000)} s`);
    } else {
      if (Date.now() > nextNote) {
        say(`DogBook: still starting; waiting for ${names([...pending])}`);
        nextNote = Date.now() + 30_000;
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  const code = await exited;
  process.off('SIGINT', onSigint);
  process.off('SIGTERM', onSigterm);
  if (!ready && !failure) say(`DogBook did not start: ${options.command} ended (exit status ${code}) before every part answered.`);
  return failure ? 1 : code;
}

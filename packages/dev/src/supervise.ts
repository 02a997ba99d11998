import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, relative } from 'node:path';
import { lineSplitter, plain } from './lines';
import { REPO_ROOT, type Part } from './parts';
import { portIsFree } from './ports';
import { answersOk } from '@dogbook/processes';

export interface SuperviseOptions {
  parts: Part[];
  /** What rebuilds the parts as their sources change (`turbo watch build`); its output is passed on. */
  rebuilder?: string[];
  /** Where to send requests, said once every part answers. */
  entry: string;
  notes?: string[];
  /** How long the parts may take to answer at first, before `pnpm dev` gives up. */
  startDeadlineMs?: number;
  /** Waits before each restart of a part that stopped by itself; one more stop than there are waits ends pnpm dev. */
  backoffMs?: number[];
  pollMs?: number;
  /** Stops everything, as Ctrl-C does (the tests use it). */
  signal?: AbortSignal;
  /** Told each time a part's process starts (the tests use it to stop one). */
  onStarted?: (part: Part, pid: number) => void;
  /** Where the parts' output and this supervisor's own lines go. */
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
}

/** turbo reports a task that ended badly with pnpm's line, prefixed by the task: `@dogbook/kennels:build: ... exit code 1`. */
const FAILED_TASK = /^(@?[\w./-]+):([\w-]+): .*Command failed with exit code (\d+)/;

const answers = (part: Part) => answersOk(`http://127.0.0.1:${part.port}${part.readyPath}`, 1_000);

const names = (parts: Part[]) => parts.map((part) => `${part.name} (port ${part.port})`).join(', ');

function howItEnded(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `killed by ${signal}` : `exit status ${code}`;
}

/**
 * What a part should know of the terminal its output ends up on, though it writes to a pipe: that
 * it takes colour, and how wide it is (the viewer fits its waterfalls to it).
 */
function terminal(): Record<string, string> {
  if (!process.stdout.isTTY) return {};
  return { ...(process.stdout.hasColors() ? { FORCE_COLOR: '1' } : {}), COLUMNS: String(process.stdout.columns) };
}

/** A process group of its own, so that a signal reaches it and everything it started (nginx under its runner). */
function startGroup(command: string[], cwd: string, env?: Record<string, string>): ChildProcess {
  return spawn(command[0]!, command.slice(1), {
    cwd,
    env: { ...process.env, ...terminal(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
}

function signalGroup(child: ChildProcess | undefined, signal: NodeJS.Signals): void {
  try {
    if (child?.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

interface Running {
  part: Part;
  child: ChildProcess | undefined;
  /** It answered since it was last started. */
  up: boolean;
  /** Stops in a row without answering in between. */
  failures: number;
  /** Set when this supervisor stops it, to start it again at once (a rebuild) or not at all. */
  stopping: 'restart' | 'end' | undefined;
  retry: NodeJS.Timeout | undefined;
}

/**
 * `pnpm dev`, watched over: starts every part itself and keeps it running.
 * - Before anything starts, a port that is taken stops it, naming the port and the part.
 * - "ready" is said once, when every part answers, not before; a part that does not answer within
 *   the deadline stops everything, with the reason.
 * - A part that stops by itself (a crash, a signal) is named with how it ended and started again
 *   after a wait that grows; the others keep serving; when it answers again, that is said too.
 *   One that keeps stopping without answering stops everything, with the reason, exit status 1.
 * - When a part's build or dev.env changes (the rebuilder rebuilt it, a lab edited dev.env), it
 *   alone is restarted, and said so; a build that fails is said to have failed, below the
 *   compiler's errors.
 * Resolves to the exit status for `pnpm dev`.
 */
export async function superviseDev(options: SuperviseOptions): Promise<number> {
  const {
    parts,
    startDeadlineMs = 180_000,
    backoffMs = [1_000, 2_000, 4_000, 8_000, 16_000],
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

  let ending: { code: number } | undefined;
  let endNow: () => void = () => {};
  const ended = new Promise<void>((resolve) => (endNow = resolve));
  const running = new Map<Part, Running>(
    parts.map((part) => [part, { part, child: undefined, up: false, failures: 0, stopping: undefined, retry: undefined }]),
  );
  let ready = false;

  /** Stops everything: the parts (SIGTERM, so the services flush their spans) and the rebuilder. */
  const end = (code: number, reason?: string) => {
    if (ending) return;
    ending = { code };
    if (reason) say(`DogBook: ${reason}; stopping everything.`);
    for (const state of running.values()) {
      clearTimeout(state.retry);
      state.stopping = 'end';
      signalGroup(state.child, 'SIGTERM');
    }
    signalGroup(rebuilder, 'SIGINT');
    setTimeout(() => {
      for (const state of running.values()) signalGroup(state.child, 'SIGKILL');
      signalGroup(rebuilder, 'SIGKILL');
    }, 10_000).unref();
    endNow();
  };

  const passOn = (
    stream: NodeJS.ReadableStream,
    write: (text: string) => void,
    prefix: string | undefined,
    onLine?: (line: string) => void,
  ) => {
    const lines = lineSplitter((line) => {
      write(prefix === undefined ? `${line}\n` : `${prefix}${line}\n`);
      onLine?.(line);
    });
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => lines.push(chunk));
    stream.on('end', () => lines.end());
  };

  const start = (state: Running) => {
    const { part } = state;
    state.stopping = undefined;
    state.up = false;
    const child = startGroup(part.command, part.dir, part.env);
    state.child = child;
    if (child.pid) options.onStarted?.(part, child.pid);
    const prefix = part.plainOutput ? undefined : `${part.name.replace(/ \(.*\)$/, '').replace(/^the /, '')}: `;
    passOn(child.stdout!, stdout, prefix);
    passOn(child.stderr!, stderr, prefix);
    child.once('error', (error) => say(`DogBook: ${part.name} could not be started: ${error.message}`));
    child.once('exit', (code, signal) => {
      state.child = undefined;
      // What it started may outlive it (nginx, when its runner was killed): not for long.
      signalGroup(child, 'SIGKILL');
      if (ending || state.stopping === 'end') return;
      if (state.stopping === 'restart') return start(state);
      if (code === 0 && !ready && !state.up) {
        // A part with nothing to do here says why and ends at once (nginx without nginx installed).
        running.delete(part);
        return;
      }
      state.failures = state.up ? 1 : state.failures + 1;
      const how = howItEnded(code, signal);
      if (!ready && !state.up) return end(1, `${part.name} could not start (${how}); its output above says why`);
      const wait = backoffMs[state.failures - 1];
      if (wait === undefined) {
        return end(1, `${part.name} cannot be restarted: it stopped ${state.failures} times in a row without answering (last: ${how})`);
      }
      say(`DogBook: ${part.name} stopped (${how}). Starting it again in ${wait / 1000} s; the other parts keep serving.`);
      state.retry = setTimeout(() => start(state), wait);
    });
  };

  // A rebuild writes many files at once: restart once they have settled.
  const watchers: FSWatcher[] = [];
  for (const state of running.values()) {
    let settle: NodeJS.Timeout | undefined;
    let changed = '';
    const restart = () => {
      if (ending || !ready) return;
      say(`DogBook: ${state.part.name} changed (${changed}); restarting it.`);
      if (state.child) {
        state.stopping = 'restart';
        signalGroup(state.child, 'SIGTERM');
      } else {
        clearTimeout(state.retry);
        state.failures = 0;
        start(state);
      }
    };
    for (const path of state.part.watch) {
      // A file is watched through its folder: `git restore` replaces the file, and a watch on the
      // old file would see nothing after that.
      const file = path.endsWith('.env') ? basename(path) : undefined;
      const folder = file ? dirname(path) : path;
      if (!existsSync(folder)) continue;
      const watcher = watch(folder, { recursive: !file }, (_event, name) => {
        if (file && name !== file) return;
        changed = relative(REPO_ROOT, path);
        clearTimeout(settle);
        settle = setTimeout(restart, 300);
      });
      watchers.push(watcher);
    }
  }

  let rebuilder: ChildProcess | undefined;
  if (options.rebuilder) {
    rebuilder = startGroup(options.rebuilder, REPO_ROOT);
    const onLine = (line: string) => {
      const failed = FAILED_TASK.exec(plain(line));
      if (failed?.[2] === 'build') {
        say(`DogBook: the build of ${failed[1]} failed (its errors are above). Fix them and save: it is built and restarted again.`);
      }
    };
    // turbo's banner (`• Packages in scope: ...`) and blank lines say nothing about DogBook.
    const quiet = (write: (text: string) => void) => (text: string) => {
      if (!/^\s*(•.*)?$/.test(plain(text).trimEnd())) write(text);
    };
    passOn(rebuilder.stdout!, quiet(stdout), undefined, onLine);
    passOn(rebuilder.stderr!, quiet(stderr), undefined, onLine);
    rebuilder.once('exit', (code, signal) => {
      if (!ending) end(1, `the rebuilder (${options.rebuilder!.join(' ')}) ended (${howItEnded(code, signal)})`);
    });
  }

  // Ctrl-C reaches this process only: stop the parts, and wait for them.
  const onSignal = () => end(0);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  options.signal?.addEventListener('abort', onSignal);

  for (const state of running.values()) start(state);

  const startedAt = Date.now();
  let nextNote = startedAt + 15_000;
  const poll = async () => {
    while (!ending) {
      for (const state of running.values()) {
        if (!state.child || state.up) continue;
        if (await answers(state.part)) {
          state.up = true;
          state.failures = 0;
          if (ready) say(`DogBook: ${state.part.name} answers again on port ${state.part.port}.`);
        }
      }
      const pending = [...running.values()].filter((state) => !state.up).map((state) => state.part);
      if (!ready && pending.length === 0) {
        ready = true;
        say(`DogBook is ready: send requests to ${options.entry}`);
        for (const note of options.notes ?? []) say(`DogBook: ${note}`);
      } else if (!ready && Date.now() - startedAt > startDeadlineMs) {
        end(1, `${names(pending)} did not answer within ${Math.round(startDeadlineMs / 1000)} s`);
      } else if (!ready && Date.now() > nextNote) {
        say(`DogBook: still starting; waiting for ${names(pending)}`);
        nextNote = Date.now() + 30_000;
      }
      await new Promise((resolve) => setTimeout(resolve, ready ? Math.max(pollMs, 1_000) : pollMs));
    }
  };
  void poll();

  await ended;
  for (const watcher of watchers) watcher.close();
  const exits = [...running.values()]
    .map((state) => state.child)
    .concat(rebuilder)
    .filter((child): child is ChildProcess => child !== undefined && child.exitCode === null && child.signalCode === null)
    .map((child) => new Promise((resolve) => child.once('exit', resolve)));
  await Promise.all(exits);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  return ending!.code;
}

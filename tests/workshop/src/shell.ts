import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ShellResult {
  status: number;
  stdout: string;
  stderr: string;
}

const DONE = '__dogbook_block_done__';

/**
 * One bash, fed one block after another, like the terminal a learner pastes the lab's commands
 * into: a variable set in step 1 (`trace_id=...`) is still there in step 2. It starts in an empty
 * folder of its own, so no command can touch the repository.
 */
export class ShellSession {
  private readonly bash: ChildProcessWithoutNullStreams;
  private readonly dir: string;
  private stdout = '';
  private stderr = '';

  constructor(env: Record<string, string>) {
    this.dir = mkdtempSync(join(tmpdir(), 'dogbook-lab-shell-'));
    this.bash = spawn('bash', ['--noprofile', '--norc'], { cwd: this.dir, env: { PATH: process.env.PATH ?? '', ...env } });
    this.bash.stdout.setEncoding('utf8').on('data', (chunk: string) => (this.stdout += chunk));
    this.bash.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
  }

  /** Runs `code` and resolves with its output and the status of its last command. */
  async run(code: string, timeoutMs = 30_000): Promise<ShellResult> {
    this.stdout = '';
    this.stderr = '';
    this.bash.stdin.write(`${code}\nprintf '\\n${DONE} %s\\n' "$?"\n`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const done = new RegExp(`\\n${DONE} (\\d+)\\n$`).exec(this.stdout);
      if (done) return { status: Number(done[1]), stdout: this.stdout.slice(0, done.index), stderr: this.stderr };
      if (this.bash.exitCode !== null) throw new Error(`bash exited while running:\n${code}\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`no end within ${timeoutMs} ms of:\n${code}\n${this.stdout}${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  close(): void {
    this.bash.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

import { codeBlocks, readLab } from './lab-text';

/** What one shell block of a lab's steps asks the learner to do. */
export type Step =
  /** Requests to DogBook (through `$DOGBOOK_URL`) or to the trace viewer: run as written. */
  | { kind: 'request'; code: string }
  /** `echo 'NAME=value' >> services/<service>/dev.env`: pnpm dev restarts that service with it. */
  | { kind: 'dev-env'; service: string; name: string; value: string }
  /** `git restore services/<service>/dev.env`: the service's settings as they were. */
  | { kind: 'dev-env-restore'; service: string }
  /** `pnpm lab check <n>`, with the output the lab shows for it. */
  | { kind: 'check'; lab: number; expected: string | undefined }
  /** What only the Docker stack can run, `pnpm load`, and the setup of lab 1's terminal. */
  | { kind: 'not-here'; why: string; code: string };

function classify(code: string): Omit<Extract<Step, { kind: 'check' }>, 'expected'> | Exclude<Step, { kind: 'check' }> {
  const line = code.trim();
  if (/\bdocker\b/.test(code)) return { kind: 'not-here', why: 'Docker', code };
  if (/^(LOAD_\w+=\S+ )*pnpm load$/.test(line)) return { kind: 'not-here', why: 'the load generator (lab 7, Docker)', code };
  if (code.split('\n').every((text) => /^export DOGBOOK_\w+=\S+$/.test(text))) {
    return { kind: 'not-here', why: 'the terminal setup, given to the shell as its environment', code };
  }
  const devEnv = /^echo '([A-Z_]+)=([^']*)' >> services\/(\w+)\/dev\.env$/.exec(line);
  if (devEnv) return { kind: 'dev-env', service: devEnv[3]!, name: devEnv[1]!, value: devEnv[2]! };
  const restore = /^git restore services\/(\w+)\/dev\.env$/.exec(line);
  if (restore) return { kind: 'dev-env-restore', service: restore[1]! };
  const check = /^pnpm lab check (\d+)(?: --answer <[^>]+>)?$/.exec(line);
  if (check) return { kind: 'check', lab: Number(check[1]) };
  if (code.includes('$DOGBOOK_URL') || code.includes('localhost:4318')) return { kind: 'request', code };
  throw new Error(`a shell block the workshop tests cannot run, nor know why not to:\n${code}`);
}

/**
 * The steps of a lab, in order, from its shell blocks outside hints and solutions. A block of a
 * kind not listed above fails the test: every command in a lab is either run here or skipped for
 * a stated reason.
 */
export function labSteps(file: string): Step[] {
  const blocks = codeBlocks(readLab(file)).filter((block) => !block.folded);
  const steps: Step[] = [];
  blocks.forEach((block, index) => {
    if (block.lang !== 'sh') return;
    const step = classify(block.code);
    if (step.kind === 'check') {
      const next = blocks[index + 1];
      steps.push({ ...step, expected: next?.lang === 'text' ? next.code : undefined });
    } else {
      steps.push(step);
    }
  });
  return steps;
}

/** The lab's solution, when it is a patch: the `diff` block folded in its solution. */
export function solutionPatch(file: string): string {
  const patches = codeBlocks(readLab(file)).filter((block) => block.lang === 'diff' && block.folded);
  if (patches.length !== 1) throw new Error(`${file} should hold exactly one patch in its solution, not ${patches.length}`);
  return `${patches[0]!.code}\n`;
}

import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { nginxIsAvailable } from '@dogbook/e2e-tests/nginx-requirement';
import { startStack, type Stack } from '@dogbook/e2e-tests/stack';
import { pnpmLab, type CheckRun } from '../src/lab-check';
import { labSteps, solutionPatch, type Step } from '../src/lab-steps';
import { ShellSession, type ShellResult } from '../src/shell';
import { patchedCopy } from '../src/scratch-service';
import { labToolsAreAvailable } from '../src/tools';
import type { ServiceName } from '@dogbook/service-kit/services';

const LAB_FILES: Record<number, string> = {
  1: 'workshop/01-first-trace.md',
  2: 'workshop/02-anatomy.md',
  3: 'workshop/03-propagation.md',
  4: 'workshop/04-instrument.md',
  5: 'workshop/05-slow-span.md',
  6: 'workshop/06-errors.md',
  7: 'workshop/07-metrics-from-traces.md',
  8: 'workshop/08-logs-and-traces.md',
  9: 'workshop/09-sampling.md',
};

const gateway = nginxIsAvailable("the workshop tests (they send the labs' requests through the gateway) are skipped");
const tools = labToolsAreAvailable();

/** A learner name nobody else in this run has: 1-32 characters of [A-Za-z0-9_-]. */
const newLearner = (what: string) => `${what}-${randomBytes(3).toString('hex')}`;

describe.skipIf(!gateway || !tools)('the labs, run as written against DogBook', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ gateway: true });
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** Spans leave each service in batches: wait until everything sent so far has arrived and gone quiet. */
  async function settle(): Promise<void> {
    await sleep(400);
    await vi.waitFor(() => expect(stack.viewer!.traces().filter((trace) => !trace.finished)).toEqual([]), {
      timeout: 8_000,
      interval: 100,
    });
  }

  function check(lab: number, learner: string, extra: string[] = []): Promise<CheckRun> {
    return pnpmLab(['check', String(lab), '--learner', learner, ...extra], { TRACE_VIEWER_URL: stack.viewer!.url });
  }

  /** The lab's check output as the lab shows it, for this learner and this viewer. */
  function expectedOutput(text: string, learner: string): string[] {
    return text
      .replaceAll('alice', learner)
      .replaceAll('http://127.0.0.1:4318', stack.viewer!.url)
      .split('\n')
      .filter((line) => !line.startsWith('Which dog'));
  }

  interface LabHooks {
    /** Extra arguments for `pnpm lab check`, such as lab 5's answer; the learner's shell at hand. */
    checkArgs?: (shell: ShellSession) => Promise<string[]>;
    /** After a service restarted with a setting from its dev.env. */
    afterDevEnv?: (shell: ShellSession, step: Extract<Step, { kind: 'dev-env' }>) => Promise<void>;
  }

  /**
   * Runs a lab's steps for `learner` in one shell, as a learner would: its requests as written, its
   * dev.env edits as the restart `pnpm dev` would do, and its check, which must pass and print
   * what the lab says it prints. What only Docker can run is left out.
   */
  async function doLab(lab: number, learner: string, hooks: LabHooks = {}): Promise<ShellResult[]> {
    const shell = new ShellSession({ DOGBOOK_LEARNER: learner, DOGBOOK_URL: stack.gateway!.url });
    const settings: Partial<Record<ServiceName, Record<string, string>>> = {};
    const results: ShellResult[] = [];
    try {
      for (const step of labSteps(LAB_FILES[lab]!)) {
        if (step.kind === 'request') {
          // A learner reads the viewer after the waterfall has appeared, seconds later, not at once.
          if (step.code.includes('localhost:4318')) await settle();
          const result = await shell.run(step.code.replaceAll('http://localhost:4318', stack.viewer!.url));
          expect({ code: step.code, status: result.status, stderr: result.stderr }).toMatchObject({
            status: 0,
            stderr: expect.not.stringMatching(/curl: \(\d+\)|jq: error/),
          });
          results.push(result);
        } else if (step.kind === 'dev-env' || step.kind === 'dev-env-restore') {
          const service = step.service as ServiceName;
          settings[service] = step.kind === 'dev-env' ? { ...settings[service], [step.name]: step.value } : {};
          await stack.restart(service, settings[service]);
          if (step.kind === 'dev-env') await hooks.afterDevEnv?.(shell, step);
        } else if (step.kind === 'check') {
          expect(step.lab).toBe(lab);
          await settle();
          const run = await check(lab, learner, (await hooks.checkArgs?.(shell)) ?? []);
          expect(run.stdout.split('\n')).toEqual(expectedOutput(step.expected!, learner).concat(''));
          expect(run.code).toBe(0);
        }
      }
    } finally {
      shell.close();
    }
    return results;
  }

  async function expectRed(lab: number, learner: string, extra: string[] = []): Promise<void> {
    await settle();
    const run = await check(lab, learner, extra);
    expect(run.stdout).toMatch(/^✗ /m);
    expect(run.stdout).toMatch(/^Not yet: \d+ of \d+ hold\.$/m);
    expect(run.code).toBe(1);
  }

  test.each([1, 2])('lab %i: when the learner has done nothing, its check fails; after the lab as written, it passes', async (lab) => {
    const learner = newLearner(`lab${lab}`);
    await expectRed(lab, learner);

    await doLab(lab, learner);
  });

  test('lab 3: the check fails before; after continuing a trace, breaking propagation in dogs and restoring it, it passes, and still after question 4 is tried', async () => {
    const learner = newLearner('lab3');
    await expectRed(3, learner);

    try {
      await doLab(3, learner);

      // Question 4, tried as its answer says: OTEL_PROPAGATORS=baggage, then tracecontext, then restored.
      const shell = new ShellSession({ DOGBOOK_LEARNER: learner, DOGBOOK_URL: stack.gateway!.url });
      try {
        for (const propagators of ['baggage', 'tracecontext']) {
          await stack.restart('dogs', { OTEL_PROPAGATORS: propagators });
          const asked = await shell.run(
            `curl -s -o /dev/null -w '%{http_code}' -H "baggage: dogbook.learner=$DOGBOOK_LEARNER" "$DOGBOOK_URL/api/v1/kennels/2"`,
          );
          expect(asked.stdout).toBe('200');
        }
        await stack.restart('dogs');
      } finally {
        shell.close();
      }
      await settle();
      const after = await check(3, learner);
      expect(after.stdout).not.toMatch(/^✗/m);
      expect(after.code).toBe(0);
    } finally {
      // Whatever happened, the next test gets dogs with its usual settings.
      await stack.restart('dogs');
    }
  });

  test("lab 4: the check fails before; with the lab's solution applied to a copy of kennels, it passes", async () => {
    const learner = newLearner('lab4');
    await expectRed(4, learner);
    const kennels = patchedCopy('kennels', solutionPatch(LAB_FILES[4]!));

    try {
      await stack.restart('kennels', {}, { dir: kennels.dir });
      await doLab(4, learner);
    } finally {
      await stack.restart('kennels');
      kennels.remove();
    }
  });

  test('lab 5: the check fails before, and for a wrong answer, which spends the riddle; after step 1 again, the right answer passes', async () => {
    const learner = newLearner('lab5');
    await expectRed(5, learner, ['--answer', '0']);

    // The dog a learner finds by looking: the longest dogs.find_dog of their newest slow trace.
    const slowDog = async () => {
      await settle();
      const slow = stack
        .viewer!.traces()
        .filter((trace) => trace.learners.includes(learner) && trace.durationMs > 1_500)
        .sort((a, b) => Number(BigInt(b.startTimeUnixNano) - BigInt(a.startTimeUnixNano)))[0]!;
      const findDogs = slow.spans.filter((span) => span.name === 'dogs.find_dog').sort((a, b) => b.durationMs - a.durationMs);
      expect(findDogs[0]!.durationMs).toBeGreaterThan(1_500);
      return Number(findDogs[0]!.attributes['dogbook.dog.id']);
    };
    let wrong: CheckRun | undefined;
    let late: CheckRun | undefined;
    await doLab(5, learner, {
      checkArgs: async (shell) => {
        const dog = await slowDog();
        wrong = await check(5, learner, ['--answer', String((dog + 1) % 6)]);
        // The right answer, given after a wrong one for the same slow request, no longer counts.
        late = await check(5, learner, ['--answer', String(dog)]);
        // Step 1 again, as the hint says: a new riddle.
        const stepOne = labSteps(LAB_FILES[5]!)[0]!;
        expect((await shell.run(stepOne.kind === 'request' ? stepOne.code : 'false')).status).toBe(0);
        return ['--answer', String(await slowDog())];
      },
    });

    expect(wrong?.code).toBe(1);
    expect(wrong?.stdout).toContain('✗ your answer names the dog that was slow');
    expect(wrong?.stdout).toContain('this riddle is spent');
    expect(late?.code).toBe(1);
    expect(late?.stdout).toContain('run step 1 again for a new riddle');
  });

  test("lab 6: the check fails before; after the lab as written it passes, and dogs' quiet log still names the failed request's trace", async () => {
    const learner = newLearner('lab6');
    await expectRed(6, learner);
    // As quiet as under pnpm dev: only what a service logs at warn or above shows.
    await stack.restart('dogs', { LOG_LEVEL: 'warn' });

    try {
      const [firstRequest] = await doLab(6, learner);
      const traceId = /^traceresponse: 00-([0-9a-f]{32})-/m.exec(firstRequest!.stdout)?.[1];
      expect(traceId).toBeDefined();
      await vi.waitFor(() => {
        const line = stack
          .service('dogs')
          .output()
          .split('\n')
          .filter((text) => text.startsWith('{'))
          .map((text) => JSON.parse(text) as Record<string, unknown>)
          .find((entry) => entry.trace_id === traceId);
        expect(line).toMatchObject({ level: 50, msg: 'request errored', err: { type: 'InjectedFault' } });
      });
    } finally {
      await stack.restart('dogs');
    }
  });

  test('when a learner has done lab 1 only, then the checks of labs 2 to 6 and 9 still fail', async () => {
    const learner = newLearner('only1');
    await doLab(1, learner);

    for (const lab of [2, 3, 4, 5, 6, 9]) await expectRed(lab, learner, lab === 5 ? ['--answer', '0'] : []);
  });

  test('lab 9: the check fails before, and when every failing request left a trace; after the lab as written (head sampling), it passes', async () => {
    const learner = newLearner('lab9');
    await expectRed(9, learner);
    // Step 2's requests without step 1: nothing is sampled away, so all twenty arrive.
    const unsampled = newLearner('lab9');
    const step2 = labSteps(LAB_FILES[9]!).find((step) => step.kind === 'request')!;
    const shell = new ShellSession({ DOGBOOK_LEARNER: unsampled, DOGBOOK_URL: stack.gateway!.url });
    try {
      expect((await shell.run(step2.kind === 'request' ? step2.code : '')).status).toBe(0);
    } finally {
      shell.close();
    }
    await expectRed(9, unsampled);
    expect((await check(9, unsampled)).stdout).toContain('✗ of your 20 failing requests for kennel 1');

    try {
      await doLab(9, learner);
    } finally {
      await stack.restart('kennels');
    }
  });

  test.each([7, 8])('lab %i (Docker): DogBook accepts its requests as written; its check will not read the viewer', async (lab) => {
    const learner = newLearner(`lab${lab}`);
    const shell = new ShellSession({ DOGBOOK_LEARNER: learner, DOGBOOK_URL: stack.gateway!.url });
    try {
      const requests = labSteps(LAB_FILES[lab]!).filter((step) => step.kind === 'request');
      expect(requests.length).toBeGreaterThan(0);
      for (const step of requests) {
        const result = await shell.run(step.kind === 'request' ? step.code : '');
        expect(result.status).toBe(0);
        expect(result.stderr).not.toMatch(/curl: \(\d+\)/);
      }
    } finally {
      shell.close();
    }
    await settle();
    expect(stack.viewer!.traces().filter((trace) => trace.learners.includes(learner)).length).toBeGreaterThan(0);

    const viewer = await check(lab, learner, ['--backend', 'viewer']);
    expect(viewer.code).toBe(2);
    expect(viewer.stderr).toContain(`lab ${lab} needs the Docker stack`);
  });
});

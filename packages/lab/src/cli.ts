#!/usr/bin/env node
/**
 * dogbook-lab (`pnpm lab` at the root): the workshop's self-check.
 *   pnpm lab list
 *   pnpm lab check <n> [--learner <name>] [--backend viewer|grafana] [--answer <value>]
 *   pnpm lab status [--backend viewer|grafana]
 * It reads the learner's own traces, never anybody else's, and says for each thing a lab asks
 * for whether those traces show it.
 */
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { LEARNER_NAME, LEARNER_NAME_RULE } from '@dogbook/tracing';
import { answerOnce, answersFile } from './answers';
import { CHECKS, type CheckContext, type LabCheck } from './checks';
import { Grafana } from './grafana';
import { readLabs, type Lab } from './labs';
import { formatReport } from './report';
import { formatStatus, roomStatus } from './status';
import { SourceError, type TraceSource } from './sources/source';
import { tempoSource } from './sources/tempo';
import { viewerAnswers, viewerSource } from './sources/viewer';

const USAGE = `Usage:
  pnpm lab list                  the labs, how long each takes, what each runs on
  pnpm lab check <n> [options]   whether you have done lab <n>, read from your own traces
  pnpm lab status [--backend b]  for the presenter: every learner seen, and which labs pass

Options:
  --learner <name>      whose traces to read (default: $DOGBOOK_LEARNER); ${LEARNER_NAME_RULE}
  --backend <name>      viewer or grafana (default: the trace viewer if it answers, else Grafana)
  --answer <value>      your answer, for the labs that ask a question (5, 7 and 8)
  -h, --help            this text

Environment:
  DOGBOOK_LEARNER       your learner name, the one in your requests' baggage
  TRACE_VIEWER_URL      the trace viewer of pnpm dev (default http://127.0.0.1:4318)
  GRAFANA_URL           Grafana of docker compose (default http://localhost:3000)
`;

/** A mistake in how the command was called: exit 2 with the reason, and no check. */
class UsageError extends Error {}
/** A Docker-only lab without the Docker stack: exit 2, saying what it needs. */
class NeedsDocker extends Error {}

interface Options {
  learner?: string;
  backend?: string;
  answer?: string;
  help?: boolean;
}

function parseCommandLine(argv: string[]): { positionals: string[]; options: Options } {
  try {
    const { positionals, values } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        learner: { type: 'string' },
        backend: { type: 'string' },
        answer: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    return { positionals, options: values };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function listLabs(labs: Lab[]): string {
  const titleWidth = Math.max(...labs.map((lab) => lab.title.length));
  const lines = labs.map(
    (lab) => `${String(lab.number).padStart(2)}  ${lab.title.padEnd(titleWidth)}  ${String(lab.minutes).padStart(3)} min  ${lab.runsOn}`,
  );
  const total = labs.reduce((sum, lab) => sum + lab.minutes, 0);
  return `${lines.join('\n')}\n\n${labs.length} labs, ${total} minutes. Each is a file in workshop/; check one with: pnpm lab check <n>\n`;
}

/** What a lab that reads Prometheus and Loki says on `pnpm dev`, where there are none. */
const needsDocker = (lab: Lab, grafana: Grafana) =>
  `lab ${lab.number} needs the Docker stack (docker compose up --wait): its check reads Prometheus and Loki ` +
  `through Grafana, which does not answer at ${grafana.baseUrl} (GRAFANA_URL)`;

async function chooseSource(
  check: LabCheck | undefined,
  lab: Lab | undefined,
  backend: string | undefined,
): Promise<{ source: TraceSource; grafana?: Grafana }> {
  const viewerUrl = process.env.TRACE_VIEWER_URL || 'http://127.0.0.1:4318';
  const grafana = new Grafana(process.env.GRAFANA_URL || 'http://localhost:3000');
  if (backend !== undefined && backend !== 'viewer' && backend !== 'grafana') {
    throw new UsageError(`--backend must be viewer or grafana, not ${JSON.stringify(backend)}`);
  }
  if (check?.dockerOnly && lab) {
    if (backend === 'viewer') throw new UsageError(needsDocker(lab, grafana).replace(/, which does not answer.*$/, ''));
    if (!(await grafana.answers())) throw new NeedsDocker(needsDocker(lab, grafana));
    return { source: tempoSource(grafana), grafana };
  }
  if (backend === 'grafana') return { source: tempoSource(grafana), grafana };
  if (backend === 'viewer' || (await viewerAnswers(viewerUrl))) return { source: viewerSource(viewerUrl) };
  return { source: tempoSource(grafana), grafana };
}

/** The learner's answer: --answer, else a question on the terminal, else none (the check says how to give one). */
function answerFrom(given: string | undefined): CheckContext['answer'] {
  return async (question) => {
    if (given !== undefined) return given;
    if (!process.stdin.isTTY || !process.stdout.isTTY) return undefined;
    const prompt = createInterface({ input: process.stdin, output: process.stdout });
    try {
      return await prompt.question(question);
    } finally {
      prompt.close();
    }
  };
}

async function checkLab(labNumber: string | undefined, options: Options): Promise<number> {
  const labs = readLabs();
  const lab = labs.find((candidate) => String(candidate.number) === labNumber);
  const check = lab && CHECKS.get(lab.number);
  if (!lab || !check) {
    throw new UsageError(`which lab? pnpm lab check <n>, with n one of ${labs.map((candidate) => candidate.number).join(', ')}`);
  }
  const learner = options.learner ?? process.env.DOGBOOK_LEARNER;
  if (!learner) throw new UsageError('whose traces? set DOGBOOK_LEARNER=<your name>, or add --learner <your name>');
  if (!LEARNER_NAME.test(learner)) {
    throw new UsageError(`the learner name ${JSON.stringify(learner)} is not ${LEARNER_NAME_RULE}`);
  }

  const { source, grafana } = await chooseSource(check, lab, options.backend);
  process.stdout.write(`Lab ${lab.number}, ${lab.title}: ${learner}'s traces in ${source.description}\n`);
  const answer = answerFrom(options.answer);
  const criteria = await check.run({
    learner,
    source,
    grafana,
    answer,
    answerOnce: answerOnce(answersFile(), learner, lab.number, answer),
  });
  const color = Boolean(process.stdout.isTTY && process.stdout.hasColors());
  process.stdout.write(formatReport(criteria, color));
  const done = criteria.every((criterion) => criterion.ok);
  // Each trace on that page opens as a waterfall whose spans show their attributes: what a hint asks about.
  if (!done && source.learnerPage) process.stdout.write(`Your traces, span by span: ${source.learnerPage(learner)}\n`);
  return done ? 0 : 1;
}

/** The presenter's view of the room, from the same backend and checks as `pnpm lab check`. */
async function showStatus(options: Options): Promise<number> {
  const labs = readLabs();
  const { source, grafana } = await chooseSource(undefined, undefined, options.backend);
  // Labs 7 and 8 are checked only where Grafana answers.
  const withGrafana = grafana && (await grafana.answers()) ? grafana : undefined;
  const rows = await roomStatus(labs, source, withGrafana);
  process.stdout.write(formatStatus(labs, rows, source.description));
  return 0;
}

async function main(argv: string[]): Promise<number> {
  const { positionals, options } = parseCommandLine(argv);
  const [command, labNumber, ...extra] = positionals;
  if (options.help || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (command === 'list' && labNumber === undefined) {
    process.stdout.write(listLabs(readLabs()));
    return 0;
  }
  if (command === 'check' && extra.length === 0) return checkLab(labNumber, options);
  if (command === 'status' && labNumber === undefined) return showStatus(options);
  throw new UsageError(command === undefined ? 'list or check?' : `unknown command: ${positionals.join(' ')}`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`pnpm lab: ${error.message}\n\n${USAGE}`);
    } else if (error instanceof NeedsDocker) {
      process.stderr.write(`pnpm lab: cannot check: ${error.message}\n`);
    } else if (error instanceof SourceError) {
      process.stderr.write(
        `pnpm lab: cannot check: ${error.message}\n` +
          'The check reads the trace viewer of `pnpm dev` when it answers, else Tempo through the Grafana of ' +
          '`docker compose up --wait`: start one of them (TRACE_VIEWER_URL and GRAFANA_URL say where they are).\n',
      );
    } else {
      process.stderr.write(`pnpm lab: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    process.exit(2);
  },
);

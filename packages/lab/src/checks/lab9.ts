import { ROOT_CONTEXT } from '@opentelemetry/api';
import { SamplingDecision, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace';
import { serverSpans, spansNamed, type Trace } from '../traces';
import { hasTraces, type LabCheck } from './check';

/** How many failing requests each part of the lab sends. */
export const REQUESTS = 20;
/** The kennel each part asks for: it tells the parts' traces apart. */
export const HEAD_KENNEL = 1;
export const TAIL_KENNEL = 0;
/** Step 1's OTEL_TRACES_SAMPLER_ARG. */
export const HEAD_RATIO = 0.5;
/**
 * The fewest kept traces that show a sampler at work. The ratio sampler's decision is a function of
 * the trace id, so with it on every kept trace passes the same test; without it each passes by
 * chance, half of them, and five in a row by chance is one in 32. An honest step 2 keeps about ten.
 */
export const HEAD_KEPT_AT_LEAST = 5;

const ratioSampler = new TraceIdRatioBasedSampler(HEAD_RATIO);
/** Whether the SDK's own ratio sampler, at step 1's ratio, keeps a trace of this id. */
const sampledByRatio = (trace: Trace): boolean =>
  ratioSampler.shouldSample(ROOT_CONTEXT, trace.traceId).decision === SamplingDecision.RECORD_AND_SAMPLED;

const forKennel = (trace: Trace, id: number): boolean =>
  spansNamed(trace, 'kennels.find_kennel', 'kennels').some((span) => span.attributes['dogbook.kennel.id'] === id);

/** Inventory failed on purpose and kennels answered 502: the lab's failing request. */
const failed = (trace: Trace): boolean =>
  spansNamed(trace, 'inventory.find_dog_ids', 'inventory').some(
    (span) => span.status.code === 'ERROR' && span.attributes['dogbook.fault'] !== undefined,
  ) && serverSpans(trace, 'kennels').some((span) => span.attributes['http.response.status_code'] === 502);

/** No fault asked for, nothing failed: the lab's plain request. */
const plain = (trace: Trace): boolean =>
  trace.errorCount === 0 && trace.spans.every((span) => span.attributes['dogbook.fault'] === undefined);

/**
 * Lab 9, what sampling keeps: with a head sampler keeping half the traces, some of the learner's
 * failing requests left no trace; with the Collector's tail sampler (Docker only), every failing one
 * did, and only a share of the plain ones. The check counts the learner's traces of each part, told
 * apart by the kennel they asked for.
 */
export const lab9: LabCheck = {
  async run(context) {
    const traces = await context.source.learnerTraces(context.learner);
    const headTraces = traces.filter((trace) => forKennel(trace, HEAD_KENNEL) && failed(trace));
    const headFailed = headTraces.length;
    const sampled = headTraces.every(sampledByRatio);
    const criteria = [
      hasTraces(context, traces),
      {
        ok: headFailed >= HEAD_KEPT_AT_LEAST && headFailed < REQUESTS && sampled,
        text: `of your ${REQUESTS} failing requests for kennel ${HEAD_KENNEL}, the head sampler kept some and lost the others`,
        hint:
          headFailed === 0
            ? `turn head sampling on (step 1), then send step 2's ${REQUESTS} requests`
            : !sampled || headFailed >= REQUESTS
              ? `${headFailed} of them left a trace, not all chosen by a ratio sampler of ${HEAD_RATIO}: turn head sampling on (step 1) before step 2`
              : `${headFailed} of them left a trace: send step 2's ${REQUESTS} requests again for more`,
      },
    ];
    // The terminal viewer has no Collector in front of it: tail sampling needs the Docker stack.
    if (context.source.kind === 'viewer') return criteria;

    const tailFailed = traces.filter((trace) => forKennel(trace, TAIL_KENNEL) && failed(trace)).length;
    const tailPlain = traces.filter((trace) => forKennel(trace, TAIL_KENNEL) && plain(trace)).length;
    return [
      ...criteria,
      {
        ok: tailFailed >= REQUESTS,
        text: `every one of your ${REQUESTS} failing requests for kennel ${TAIL_KENNEL} left a trace`,
        hint: `turn head sampling off (step 3) and tail sampling on (step 4), send step 5's requests, then wait half a minute (now: ${tailFailed})`,
      },
      {
        ok: tailFailed >= REQUESTS && tailPlain < tailFailed / 2,
        text: `of your plain requests for kennel ${TAIL_KENNEL}, sent as many, the tail sampler kept only a share`,
        hint:
          tailFailed >= REQUESTS
            ? `${tailPlain} plain ones left a trace: is the collector running with docker-compose.tail-sampling.yml (step 4)?`
            : 'first the line above',
      },
    ];
  },
};

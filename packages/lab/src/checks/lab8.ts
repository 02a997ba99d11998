import type { Grafana } from '../grafana';
import { spansNamed, type Trace } from '../traces';
import { noTracesHint, type LabCheck } from './check';

interface StreamsAnswer {
  data?: { result?: { values?: [string, string][] }[] };
}

/** Whether Loki holds a log line of dogs carrying this trace id, written in the last six hours. */
async function dogsLoggedIt(grafana: Grafana, trace: Trace): Promise<boolean> {
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const answer = (await grafana.get('loki', '/loki/api/v1/query_range', {
    // trace_id is structured metadata in Loki (see otel-config.yaml), so a filter after the selector.
    query: `{service_name="dogs"} | trace_id="${trace.traceId}"`,
    start: (nowNs - 6n * 3600n * 1_000_000_000n).toString(),
    end: nowNs.toString(),
    limit: 10,
  })) as StreamsAnswer;
  return (answer.data?.result ?? []).some((stream) => (stream.values ?? []).length > 0);
}

/**
 * Lab 8 (Docker), from a log line to its trace and back: a failed dog of the learner's logs an
 * error line in dogs, Loki keeps it with its trace id, and the learner names the trace they
 * reached from that line.
 */
export const lab8: LabCheck = {
  dockerOnly: true,
  async run(context) {
    const traces = await context.source.learnerTraces(context.learner);
    const failed = traces.filter((trace) =>
      spansNamed(trace, 'dogs.find_dog', 'dogs').some(
        (span) => span.status.code === 'ERROR' && span.attributes['dogbook.fault'] !== undefined,
      ),
    );
    const logged: Trace[] = [];
    for (const trace of failed.slice(0, 10)) {
      if (await dogsLoggedIt(context.grafana!, trace)) logged.push(trace);
    }
    const answer =
      logged.length > 0 ? (await context.answer('The trace id you opened from the log line: '))?.trim().toLowerCase() : undefined;

    return [
      {
        ok: failed.length > 0,
        text: 'Tempo holds a request of yours where a dog failed',
        hint: traces.length === 0 ? noTracesHint(context) : 'send step 1\'s request, with "dogbook.fault.dogs.5=error" in your baggage',
      },
      {
        ok: logged.length > 0,
        text: 'Loki holds the error line dogs wrote for it, with the same trace id',
        hint:
          failed.length > 0
            ? 'the logs travel through the collector: give them ten seconds, then check again'
            : 'first the failed request (the line above)',
      },
      {
        ok: answer !== undefined && logged.some((trace) => trace.traceId === answer),
        text: 'your answer is the trace id you reached from that log line',
        hint:
          answer === undefined || answer === ''
            ? 'open the line in Explore (Loki), follow "Open trace", then: pnpm lab check 8 --answer <trace id>'
            : `${answer} is not one of your failed requests that dogs logged: open the trace from the log line, as in step 3`,
      },
    ];
  },
};

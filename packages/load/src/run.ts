import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { loadTest } from 'loadtest';
import type { PlannedRequest } from './mix';

/** How the requests show up in nginx's access log (`user_agent`). */
export const USER_AGENT = 'dogbook-load';

/**
 * An answer slower than this is counted as a timeout. Longer than the slowest request in the mix
 * (3 s) and than nginx's own 10 s read timeout, so a gateway timeout is seen as nginx's 504.
 */
const TIMEOUT_MS = 15_000;

export interface LoadRun {
  /** The gateway, such as http://localhost:8080. */
  url: string;
  requestsPerSecond: number;
  durationS: number;
  /** Picks the next request of the mix. */
  next(): PlannedRequest;
  /** Once the request is written to the network, or has failed before it could be. */
  onSent(request: PlannedRequest): void;
  /** A status code, `timeout`, or an error code such as `ECONNREFUSED`; the latency for a response. */
  onOutcome(outcome: string, latencyMs?: number): void;
}

/** What loadtest hands the status callback for a request that got a response. */
interface LoadtestResult {
  statusCode: number;
  requestElapsed: number;
}

/** loadtest reports a request without a response as a message: keep the error code, or say timeout. */
function failureOf(error: unknown): string {
  const message = String(error);
  if (/timed out/i.test(message)) return 'timeout';
  return /\bE[A-Z]{3,}\b/.exec(message)?.[0] ?? 'error';
}

/**
 * Calls `count` once the request has been handed to the operating system ('finish'), or has failed
 * or timed out before that. A request started in the instant the run stops, and never written,
 * is not counted: the gateway never saw it, and `sent` is what the gateway was sent. These
 * listeners go on before loadtest's own, so a request is counted before its outcome.
 */
function onceSent(request: ClientRequest, count: () => void): void {
  let counted = false;
  const once = () => {
    if (counted) return;
    counted = true;
    count();
  };
  for (const event of ['finish', 'error', 'timeout']) request.once(event, once);
}

/**
 * Sends the mix at a steady rate for `durationS` seconds, then resolves.
 *
 * loadtest's `requestsPerSecond` is an open model: a timer starts each request on schedule, on a
 * connection of its own, whether or not earlier requests have been answered, so a fault that holds
 * one answer for 3 s holds up nothing else. (A closed model, such as autocannon's per-connection
 * rate, sends the next request on a connection only after the last answer: slow answers would
 * quietly lower the rate, just when a learner is watching latency.)
 */
export function runLoad(run: LoadRun): Promise<void> {
  return new Promise((resolve, reject) => {
    loadTest(
      {
        url: run.url,
        requestsPerSecond: run.requestsPerSecond,
        maxSeconds: run.durationS,
        timeout: TIMEOUT_MS,
        // The progress lines are DogBook's own (see cli.ts), with status codes and percentiles.
        quiet: true,
        // Called for every request; `options` is this request's copy of the http.request options.
        requestGenerator(
          _loadtestOptions: unknown,
          options: RequestOptions,
          request: (options: RequestOptions, onResponse: (response: IncomingMessage) => void) => ClientRequest,
          onResponse: (response: IncomingMessage) => void,
        ) {
          const planned = run.next();
          options.path = planned.path;
          options.headers = { ...options.headers, baggage: planned.baggage, 'user-agent': USER_AGENT };
          // loadtest ends the request and listens for its errors itself.
          const sending = request(options, onResponse);
          onceSent(sending, () => run.onSent(planned));
          return sending;
        },
        statusCallback(error: unknown, result: LoadtestResult | undefined) {
          if (result) run.onOutcome(String(result.statusCode), result.requestElapsed);
          else run.onOutcome(failureOf(error));
        },
      },
      (error: unknown) => (error ? reject(error) : resolve()),
    );
  });
}

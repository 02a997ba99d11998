import { setTimeout as sleep } from 'node:timers/promises';
import { context, createContextKey, propagation, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import type { RequestHandler } from 'express';
import { withSpan } from '@dogbook/tracing';
import { readDogbookBaggage, type Fault } from './baggage';
import { HttpError } from './errors';
import type { ServiceName } from './services';

/** The request's parsed fault directives travel in the OpenTelemetry context, like its span. */
const FAULTS = createContextKey('dogbook.faults');

/** What an error fault throws: its name becomes the span's `error.type`. */
export class InjectedFault extends HttpError {
  constructor(fault: Fault, status: number) {
    super(status, `injected fault: ${fault.directive}`);
    this.name = 'InjectedFault';
  }
}

/**
 * Checks the request's `dogbook.*` baggage (a 400 names the first malformed member) and, when
 * fault injection is on, hands its fault directives to the data look-ups of this request alone.
 * Baggage reaches the context through the W3C baggage propagator of the http instrumentation.
 */
export function dogbookBaggage({ faultInjection }: { faultInjection: boolean }): RequestHandler {
  return (_req, _res, next) => {
    const { faults } = readDogbookBaggage(propagation.getBaggage(context.active()), { faults: faultInjection });
    if (faults.length === 0) return next();
    // Everything after this middleware, the route handler included, runs inside this context.
    context.with(context.active().setValue(FAULTS, faults), next);
  };
}

/** The id-specific directive wins over the service-wide one. */
function faultFor(service: ServiceName, id: number | undefined): Fault | undefined {
  const faults = (context.active().getValue(FAULTS) as Fault[] | undefined) ?? [];
  const ofService = faults.filter((fault) => fault.service === service);
  return ofService.find((fault) => fault.id !== undefined && fault.id === id) ?? ofService.find((fault) => fault.id === undefined);
}

export interface LookUpTarget {
  /** The service whose data this is: `dogbook.fault.<service>` members act here. */
  service: ServiceName;
  /** The kennel or dog id looked up; `dogbook.fault.<service>.<id>` members act on this id only. */
  id?: number;
}

/**
 * A data look-up in its own span (see withSpan), where an injected fault acts: inside the span, so
 * the trace shows exactly where the time or the error went, and marked with `dogbook.fault`, so a
 * trace never hides that the fault was injected.
 */
export function lookUp<T>(
  tracer: Tracer,
  name: string,
  target: LookUpTarget,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return withSpan(tracer, name, attributes, async (span) => {
    const fault = faultFor(target.service, target.id);
    if (fault) {
      span.setAttribute('dogbook.fault', fault.directive);
      if (fault.effect.kind === 'error') throw new InjectedFault(fault, fault.effect.status);
      await sleep(fault.effect.ms);
    }
    return work(span);
  });
}

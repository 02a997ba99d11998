import type { Baggage } from '@opentelemetry/api';
import { LEARNER_NAME, LEARNER_NAME_RULE, isDogbookBaggageKey } from '@dogbook/tracing';
import { HttpError } from './errors';
import { SERVICE_NAMES, type ServiceName } from './services';

/**
 * DogBook's own baggage members, the only ones it reads. Baggage arrives from the caller and is
 * forwarded to every service downstream, so it is untrusted input: every `dogbook.*` member is
 * checked by the first service a request enters, and a malformed one is a 400 there, not a
 * surprise three hops later.
 *
 *   dogbook.learner=<name>                 tags every span of the request (see @dogbook/tracing)
 *   dogbook.fault.<service>[.<id>]=<effect> injects a fault into that service's data look-up
 */
export const FAULT_GRAMMAR =
  `baggage members: dogbook.learner=<${LEARNER_NAME_RULE}>, ` +
  `dogbook.fault.<${SERVICE_NAMES.join('|')}>[.<id>]=<delay:<0-10000 ms>|error|error:<500-599>>`;

export type FaultEffect = { kind: 'delay'; ms: number } | { kind: 'error'; status: number };

export interface Fault {
  /** The member as the caller wrote it, e.g. `dogbook.fault.dogs.4=delay:3000`: what the span shows. */
  directive: string;
  service: ServiceName;
  /** Only this id's look-up; undefined means every look-up of the service. */
  id?: number;
  effect: FaultEffect;
}

export interface DogbookBaggage {
  learner?: string;
  faults: Fault[];
}

/** More than this many `dogbook.*` members is not a workshop exercise but an attack on the parser. */
const MAX_MEMBERS = 16;
const MAX_DELAY_MS = 10_000;
const FAULT_KEY = /^dogbook\.fault\.([a-z]+)(?:\.(\d{1,9}))?$/;

function invalid(member: string, problem: string): HttpError {
  return new HttpError(400, `baggage member ${JSON.stringify(member)} ${problem}; ${FAULT_GRAMMAR}`);
}

function readEffect(member: string, value: string): FaultEffect {
  const delay = /^delay:(\d{1,5})$/.exec(value);
  if (delay) {
    const ms = Number(delay[1]);
    if (ms > MAX_DELAY_MS) throw invalid(member, `asks for a delay over ${MAX_DELAY_MS} ms`);
    return { kind: 'delay', ms };
  }
  const error = /^error(?::(\d{3}))?$/.exec(value);
  if (error) {
    const status = Number(error[1] ?? 500);
    if (status < 500 || status > 599) throw invalid(member, 'asks for an error status outside 500-599');
    return { kind: 'error', status };
  }
  throw invalid(member, 'has an unknown effect (a delay must be a whole number of ms)');
}

function readFault(member: string, key: string, value: string): Fault {
  const match = FAULT_KEY.exec(key);
  if (!match) throw invalid(member, 'has a malformed target (an id is a non-negative integer)');
  const [, service, id] = match;
  if (!(SERVICE_NAMES as readonly string[]).includes(service ?? '')) throw invalid(member, `names an unknown service "${service}"`);
  return {
    directive: member,
    service: service as ServiceName,
    id: id === undefined ? undefined : Number(id),
    effect: readEffect(member, value),
  };
}

/**
 * Reads the `dogbook.*` members of a request's baggage; other keys are none of DogBook's business.
 * With `faults: false` the fault members are ignored unread, as a production service must ignore
 * any caller's request to misbehave. Throws HttpError(400) naming the first malformed member.
 */
export function readDogbookBaggage(baggage: Baggage | undefined, { faults = true } = {}): DogbookBaggage {
  const members = (baggage?.getAllEntries() ?? []).filter(([key]) => isDogbookBaggageKey(key));
  if (members.length > MAX_MEMBERS) {
    throw new HttpError(400, `the baggage carries more than ${MAX_MEMBERS} dogbook.* members; ${FAULT_GRAMMAR}`);
  }
  const result: DogbookBaggage = { faults: [] };
  for (const [key, { value }] of members) {
    const member = `${key}=${value}`;
    if (key === 'dogbook.learner') {
      if (!LEARNER_NAME.test(value)) throw invalid(member, 'is not a learner name');
      result.learner = value;
    } else if (key.startsWith('dogbook.fault.')) {
      if (faults) result.faults.push(readFault(member, key, value));
    } else {
      throw invalid(member, 'is not a DogBook baggage key');
    }
  }
  return result;
}

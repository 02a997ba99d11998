import type { Baggage } from '@opentelemetry/api';
import { LEARNER_KEY, LEARNER_NAME, LEARNER_NAME_RULE, SERVICE_NAMES, isDogbookBaggageKey, type ServiceName } from './conventions';

/**
 * DogBook's own baggage members, the only ones it reads. Baggage arrives from the caller and is
 * forwarded to every service downstream, so it is untrusted input: every `dogbook.*` member is
 * checked by the first service a request enters, and a malformed one is a 400 there, not a
 * surprise three hops later. The grammar lives here, beside the span processor, because that
 * processor copies members onto spans only once they pass the same check (see span-processors.ts).
 *
 *   dogbook.learner=<name>                 tags every span of the request (see @dogbook/tracing)
 *   dogbook.fault.<service>[.<id>]=<effect> injects a fault into that service's data look-up
 */
/** The longest delay a fault may ask for; the gateway's and kennels' timeouts are set above it. */
export const MAX_DELAY_MS = 10_000;

export const FAULT_GRAMMAR =
  `baggage members: dogbook.learner=<${LEARNER_NAME_RULE}>, ` +
  `dogbook.fault.<${SERVICE_NAMES.join('|')}>[.<id>]=<delay:<0-${MAX_DELAY_MS} ms>|error|error:<500-599>>`;

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

/**
 * Whether this process's service acts on fault members (FAULT_INJECTION), and so checks them: set
 * by @dogbook/service-kit when it builds the app, read by the span processor, which copies onto
 * spans only what the service checked. On until a service says otherwise.
 */
let faultsChecked = true;

export function setFaultInjection(on: boolean): void {
  faultsChecked = on;
}

/**
 * The `dogbook.*` members a span may carry: all of them when the service would accept the baggage,
 * none when it answers 400. Only DogBook's own namespace ever becomes attributes, so a caller cannot
 * fill the traces with keys of its choosing; the W3C baggage propagator bounds the header (180
 * members, 4096 bytes) and the grammar every value. With fault injection off, the fault members are neither checked nor
 * copied, and the learner's name alone is.
 */
export function checkedDogbookMembers(baggage: Baggage): [string, string][] {
  try {
    readDogbookBaggage(baggage, { faults: faultsChecked });
  } catch {
    return [];
  }
  return baggage
    .getAllEntries()
    .filter(([key]) => isDogbookBaggageKey(key) && (faultsChecked || !key.startsWith('dogbook.fault.')))
    .map(([key, { value }]) => [key, value]);
}

/** A member that breaks the grammar; a service answers it with 400 (@dogbook/service-kit). */
export class BaggageError extends Error {
  override name = 'BaggageError';
}

/** More than this many `dogbook.*` members is not a workshop exercise but an attack on the parser. */
const MAX_MEMBERS = 16;
const FAULT_KEY = /^dogbook\.fault\.([a-z]+)(?:\.(\d{1,9}))?$/;

function invalid(member: string, problem: string): BaggageError {
  return new BaggageError(`baggage member ${JSON.stringify(member)} ${problem}; ${FAULT_GRAMMAR}`);
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
 * any caller's request to misbehave. Throws BaggageError naming the first malformed member.
 */
export function readDogbookBaggage(baggage: Baggage | undefined, { faults = true } = {}): DogbookBaggage {
  const members = (baggage?.getAllEntries() ?? []).filter(([key]) => isDogbookBaggageKey(key));
  if (members.length > MAX_MEMBERS) {
    throw new BaggageError(`the baggage carries more than ${MAX_MEMBERS} dogbook.* members; ${FAULT_GRAMMAR}`);
  }
  const result: DogbookBaggage = { faults: [] };
  for (const [key, { value }] of members) {
    const member = `${key}=${value}`;
    if (key === LEARNER_KEY) {
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

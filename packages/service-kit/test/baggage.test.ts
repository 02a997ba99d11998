import { propagation } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { HttpError, readDogbookBaggage } from '../src/index';

/** Baggage as the W3C propagator hands it over: decoded members. */
const baggage = (members: Record<string, string>) =>
  propagation.createBaggage(Object.fromEntries(Object.entries(members).map(([key, value]) => [key, { value }])));

function rejection(members: Record<string, string>): HttpError {
  try {
    readDogbookBaggage(baggage(members));
  } catch (error) {
    return error as HttpError;
  }
  throw new Error('the baggage was accepted');
}

describe('readDogbookBaggage', () => {
  it('when members name a learner and faults, then each is read with its target and effect', () => {
    const read = readDogbookBaggage(
      baggage({
        'dogbook.learner': 'alice_01',
        'dogbook.fault.dogs.4': 'delay:3000',
        'dogbook.fault.inventory': 'error',
        'dogbook.fault.kennels.2': 'error:503',
      }),
    );

    expect(read.learner).toBe('alice_01');
    expect(read.faults).toEqual([
      { directive: 'dogbook.fault.dogs.4=delay:3000', service: 'dogs', id: 4, effect: { kind: 'delay', ms: 3000 } },
      { directive: 'dogbook.fault.inventory=error', service: 'inventory', id: undefined, effect: { kind: 'error', status: 500 } },
      { directive: 'dogbook.fault.kennels.2=error:503', service: 'kennels', id: 2, effect: { kind: 'error', status: 503 } },
    ]);
  });

  it('when the baggage holds only other keys, then they are ignored', () => {
    expect(readDogbookBaggage(baggage({ userId: 'x y', dogbookish: 'z' }))).toEqual({ faults: [] });
    expect(readDogbookBaggage(undefined)).toEqual({ faults: [] });
  });

  it.each([
    ['an unknown service', { 'dogbook.fault.cats': 'error' }, /unknown service "cats"/],
    ['an id that is not an id', { 'dogbook.fault.dogs.four': 'error' }, /malformed target/],
    ['a negative id', { 'dogbook.fault.dogs.-4': 'error' }, /malformed target/],
    ['an unknown effect', { 'dogbook.fault.dogs': 'explode' }, /unknown effect/],
    ['a delay in seconds', { 'dogbook.fault.dogs': 'delay:1.5' }, /unknown effect/],
    ['a delay over 10000 ms', { 'dogbook.fault.dogs': 'delay:10001' }, /delay over 10000 ms/],
    ['a status under 500', { 'dogbook.fault.dogs': 'error:404' }, /outside 500-599/],
    ['a status over 599', { 'dogbook.fault.dogs': 'error:600' }, /outside 500-599/],
    ['a learner name with a space', { 'dogbook.learner': 'alice smith' }, /not a learner name/],
    ['a learner name of 33 characters', { 'dogbook.learner': 'a'.repeat(33) }, /not a learner name/],
    ['an unknown dogbook key', { 'dogbook.faults.dogs': 'error' }, /not a DogBook baggage key/],
  ])('when a member has %s, then it is a 400 naming the member and the grammar', (_, members, problem) => {
    const error = rejection(members);

    expect(error).toBeInstanceOf(HttpError);
    expect(error.status).toBe(400);
    expect(error.message).toMatch(problem);
    expect(error.message).toContain(`"${Object.entries(members)[0]!.join('=')}"`);
    expect(error.message).toContain('dogbook.fault.<kennels|inventory|dogs>[.<id>]=<delay:<0-10000 ms>|error|error:<500-599>>');
  });

  it('when there are more than 16 dogbook members, then the baggage is refused whole', () => {
    const many = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`dogbook.fault.dogs.${i}`, 'error']));

    expect(rejection(many).message).toMatch(/more than 16 dogbook\.\* members/);
  });

  it('when fault injection is off, then fault members are ignored unread but the learner is still checked', () => {
    const read = readDogbookBaggage(baggage({ 'dogbook.learner': 'bob', 'dogbook.fault.cats': 'explode' }), { faults: false });

    expect(read).toEqual({ learner: 'bob', faults: [] });
    expect(() => readDogbookBaggage(baggage({ 'dogbook.learner': 'b o b' }), { faults: false })).toThrow(/not a learner name/);
  });
});

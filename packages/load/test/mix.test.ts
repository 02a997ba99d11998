import { describe, expect, test } from 'vitest';
import { createMix, FAULT_KINDS, HEALTHY_KINDS, type PlannedRequest } from '../src/mix';

const take = (next: () => PlannedRequest, count: number) => Array.from({ length: count }, next);
const countBy = (requests: PlannedRequest[]) => {
  const counts: Record<string, number> = {};
  for (const { kind } of requests) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
};
const faultMember = (request: PlannedRequest) => request.baggage.split(',').find((m) => m.startsWith('dogbook.fault.'));

/** The fault grammar services accept: dogbook.fault.<service>[.<id>]=delay:<0-10000> | error[:<500-599>]. */
const FAULT_GRAMMAR = /^dogbook\.fault\.(kennels|inventory|dogs)(\.\d+)?=(delay:(\d+)|error(:5\d\d)?)$/;

/** DogBook's data, as the services answer it: kennel id -> dog ids. */
const DOGS_OF_KENNEL: Record<string, number[]> = { '0': [0], '1': [1, 2], '2': [3, 4, 5] };

describe('the request mix', () => {
  test('when 20 requests without faults are sent, then each kind appears exactly its weight, interleaved', () => {
    const requests = take(createMix(0), 20);

    expect(countBy(requests)).toEqual(Object.fromEntries(HEALTHY_KINDS.map((kind) => [kind.name, kind.weight])));
    // Interleaved: not even the heaviest kind comes twice in a row.
    const repeats = requests.filter((request, i) => i > 0 && request.kind === requests[i - 1]!.kind);
    expect(repeats).toEqual([]);
  });

  test('when any request is sent, then it carries dogbook.learner=load, and nothing else without a fault', () => {
    for (const request of take(createMix(0.3), 200)) {
      const members = request.baggage.split(',');
      expect(members[0]).toBe('dogbook.learner=load');
      expect(members.length).toBe(faultMember(request) ? 2 : 1);
    }
  });

  test.each([
    { share: 0.05, expected: 5 },
    { share: 0.25, expected: 25 },
    { share: 0, expected: 0 },
    { share: 1, expected: 100 },
  ])('when LOAD_FAULTS is $share, then exactly $expected of 100 requests carry a fault', ({ share, expected }) => {
    const requests = take(createMix(share), 100);

    expect(requests.filter(faultMember)).toHaveLength(expected);
    expect(requests.filter((r) => FAULT_KINDS.some((kind) => kind.name === r.kind))).toHaveLength(expected);
  });

  test('when faults are sent, then the four kinds take turns: a slow dog, a slow dog in a kennel, a failing dog, a failing inventory', () => {
    const faulted = take(createMix(1), 8);

    expect(faulted.map((r) => r.kind)).toEqual([...FAULT_KINDS, ...FAULT_KINDS].map((kind) => kind.name));
    expect(faulted.slice(0, 4).map(faultMember)).toEqual([
      'dogbook.fault.dogs.0=delay:3000',
      'dogbook.fault.dogs.0=delay:1500',
      'dogbook.fault.dogs.0=error',
      'dogbook.fault.inventory=error',
    ]);
  });

  test("when a fault is sent, then it follows the services' grammar and names a dog of the kennel it asks for", () => {
    for (const request of take(createMix(1), 200)) {
      const member = faultMember(request)!;
      expect(member).toMatch(FAULT_GRAMMAR);
      const dog = /^dogbook\.fault\.dogs\.(\d+)=/.exec(member)?.[1];
      const kennel = /^\/api\/v1\/kennels\/(\d+)$/.exec(request.path)?.[1];
      const dogPath = /^\/api\/v1\/dogs\/(\d+)$/.exec(request.path)?.[1];
      if (dog !== undefined && kennel !== undefined) expect(DOGS_OF_KENNEL[kennel]).toContain(Number(dog));
      else if (dog !== undefined) expect(dogPath).toBe(dog);
      else expect(kennel, request.path).toBeDefined();
    }
  });

  test('when the mix has run a while, then every kennel, dog and inventory entry has been asked for', () => {
    const paths = new Set(take(createMix(0), 200).map((r) => r.path));

    for (const [kennel, dogs] of Object.entries(DOGS_OF_KENNEL)) {
      expect(paths).toContain(`/api/v1/kennels/${kennel}`);
      expect(paths).toContain(`/api/v1/inventory/${kennel}`);
      for (const dog of dogs) expect(paths).toContain(`/api/v1/dogs/${dog}`);
    }
  });
});

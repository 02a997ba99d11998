/** One request of the mix: a path through the gateway and the W3C baggage it carries. */
export interface PlannedRequest {
  /** The row of the mix it comes from, named as the summary counts it. */
  kind: string;
  path: string;
  baggage: string;
}

interface Kind {
  name: string;
  /** Its share among the requests without a fault, out of the weights' total (20). */
  weight: number;
  /** The requests it cycles through: a path, and for a fault kind the baggage member. */
  requests: Array<{ path: string; fault?: string }>;
}

/** Every request says whose it is: `{ span.dogbook.learner = "load" }` finds them in Tempo. */
export const LEARNER = 'load';

/** DogBook's data, as its services hold it: each kennel's id and the ids of the dogs living there. */
const DOGS_BY_KENNEL: ReadonlyArray<[kennelId: number, dogIds: number[]]> = [
  [0, [0]],
  [1, [1, 2]],
  [2, [3, 4, 5]],
];
const KENNEL_IDS = DOGS_BY_KENNEL.map(([kennelId]) => kennelId);
const DOG_IDS = DOGS_BY_KENNEL.flatMap(([, dogIds]) => dogIds);
const KENNEL_DOG_PAIRS = DOGS_BY_KENNEL.flatMap(([kennelId, dogIds]) => dogIds.map((dogId) => ({ kennelId, dogId })));

/** What a user of the API asks for, and the mistakes they make (404, 400). */
export const HEALTHY_KINDS: readonly Kind[] = [
  {
    name: 'kennel',
    weight: 6,
    requests: [...KENNEL_IDS.map((id) => ({ path: `/api/v1/kennels/${id}` })), { path: '/api/v1/kennels?id=2' }],
  },
  { name: 'dog', weight: 4, requests: DOG_IDS.map((id) => ({ path: `/api/v1/dogs/${id}` })) },
  { name: 'kennel list', weight: 3, requests: [{ path: '/api/v1/kennels' }] },
  { name: 'inventory', weight: 2, requests: KENNEL_IDS.map((id) => ({ path: `/api/v1/inventory/${id}` })) },
  {
    name: 'unknown id',
    weight: 2,
    requests: [{ path: '/api/v1/kennels/99' }, { path: '/api/v1/dogs/99' }, { path: '/api/v1/inventory/99' }],
  },
  { name: 'dog list', weight: 1, requests: [{ path: '/api/v1/dogs' }] },
  { name: 'inventory list', weight: 1, requests: [{ path: '/api/v1/inventory' }] },
  {
    name: 'bad id',
    weight: 1,
    requests: [{ path: '/api/v1/dogs/rex' }, { path: '/api/v1/kennels/-1' }, { path: '/api/v1/inventory/2.5' }],
  },
];

/**
 * The faults, in turn. A dog 1.5 s slow inside a kennel stays within kennels' 2 s deadline for a
 * dog: the kennel is slow but complete, and the waterfall shows which dog made it so.
 */
export const FAULT_KINDS: readonly Kind[] = [
  {
    name: 'slow dog',
    weight: 1,
    requests: DOG_IDS.map((id) => ({ path: `/api/v1/dogs/${id}`, fault: `dogbook.fault.dogs.${id}=delay:3000` })),
  },
  {
    name: 'slow dog in a kennel',
    weight: 1,
    requests: KENNEL_DOG_PAIRS.map(({ kennelId, dogId }) => ({
      path: `/api/v1/kennels/${kennelId}`,
      fault: `dogbook.fault.dogs.${dogId}=delay:1500`,
    })),
  },
  {
    name: 'failing dog',
    weight: 1,
    requests: KENNEL_DOG_PAIRS.map(({ kennelId, dogId }) => ({
      path: `/api/v1/kennels/${kennelId}`,
      fault: `dogbook.fault.dogs.${dogId}=error`,
    })),
  },
  {
    name: 'failing inventory',
    weight: 1,
    requests: KENNEL_IDS.map((id) => ({ path: `/api/v1/kennels/${id}`, fault: 'dogbook.fault.inventory=error' })),
  },
];

function inTurn<T>(items: readonly T[]): () => T {
  let next = 0;
  return () => items[next++ % items.length]!;
}

/**
 * nginx's smooth weighted round robin: any run of 20 picks holds each kind exactly its weight,
 * interleaved rather than in blocks.
 */
function byWeight(kinds: readonly Kind[]): () => Kind {
  const total = kinds.reduce((sum, kind) => sum + kind.weight, 0);
  const current = kinds.map(() => 0);
  return () => {
    let best = 0;
    kinds.forEach((kind, index) => {
      current[index]! += kind.weight;
      if (current[index]! > current[best]!) best = index;
    });
    current[best]! -= total;
    return kinds[best]!;
  };
}

/**
 * The request mix as a sequence: no dice, so every few seconds of traffic hold every kind in its
 * share, and the share of faulted requests is exact, not merely right on average.
 */
export function createMix(faultShare: number): () => PlannedRequest {
  const nextHealthyKind = byWeight(HEALTHY_KINDS);
  const nextFaultKind = inTurn(FAULT_KINDS);
  const nextRequestOf = new Map([...HEALTHY_KINDS, ...FAULT_KINDS].map((kind) => [kind, inTurn(kind.requests)]));
  let sent = 0;
  return () => {
    sent += 1;
    // The nth request carries a fault when n * share crosses a whole number: 0.05 is every 20th.
    const faulted = Math.floor(sent * faultShare) > Math.floor((sent - 1) * faultShare);
    const kind = faulted ? nextFaultKind() : nextHealthyKind();
    const { path, fault } = nextRequestOf.get(kind)!();
    const baggage = [`dogbook.learner=${LEARNER}`, ...(fault ? [fault] : [])].join(',');
    return { kind: kind.name, path, baggage };
  };
}

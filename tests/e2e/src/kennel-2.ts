/** What a test expects kennel 2 to be, written out rather than read from the services' data. */
export const KENNEL_2_DOGS = [
  { id: 3, name: 'Möhre' },
  { id: 4, name: 'Jack' },
  { id: 5, name: 'Charlie' },
];

export const KENNEL_2 = { id: 2, name: 'some other kennel', dogs: KENNEL_2_DOGS };

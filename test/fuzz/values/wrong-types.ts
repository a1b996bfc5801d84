/** Values of the wrong JSON type for almost any argument. */
export const WRONG_TYPES: readonly unknown[] = [
  0,
  1,
  -1,
  1.5,
  1e308,
  -1e308,
  2_147_483_648,
  true,
  false,
  [],
  ['x'],
  [null],
  {},
  { id: 'x' },
  [[[]]],
  { $gt: '' },
];

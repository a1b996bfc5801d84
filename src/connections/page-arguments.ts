import { InvalidInputError } from '../domain/domain-error';

/** The page sizes a connection field allows: `first` when not given, and the largest. */
export interface PageSizes {
  default: number;
  max: number;
}

/** The `first` argument's options: nullable, its default in the schema, its range in the description. */
export const firstArgument = (sizes: PageSizes) =>
  ({ nullable: true, defaultValue: sizes.default, description: `1 to ${sizes.max}` }) as const;

/** The `after` argument's options. */
export const AFTER_ARGUMENT = { nullable: true, description: 'endCursor of the previous page' } as const;

/** The page size `first` asks for (null: the default); outside 1 to the largest, BAD_USER_INPUT. */
export function pageSize(first: number | null | undefined, sizes: PageSizes): number {
  const size = first ?? sizes.default;
  if (!Number.isInteger(size) || size < 1 || size > sizes.max) {
    throw new InvalidInputError(`"first" must be between 1 and ${sizes.max}`, 'first');
  }
  return size;
}

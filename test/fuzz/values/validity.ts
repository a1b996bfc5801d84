/** true: the API must accept it; false: it must reject it; 'edge': either, but not with an internal error. */
export type Validity = boolean | 'edge';

/** A value sent to the API and what the API must make of it. */
export interface Sample {
  value: unknown;
  valid: Validity;
}

/** The validity of a request made of parts: any invalid part makes it invalid. */
export function and(...validities: Validity[]): Validity {
  if (validities.includes(false)) return false;
  return validities.includes('edge') ? 'edge' : true;
}

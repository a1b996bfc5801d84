/** Where a client's budget stands, as `extensions.cost` reports it. */
export interface BudgetState {
  /** Points left: after this request when it was granted, before it when it was refused. */
  remaining: number;
  /** The whole budget. */
  limit: number;
  /** Points per second it refills at, on average. */
  restoreRate: number;
}

/**
 * A request's charge: granted, or refused because it would overdraw the budget. A granted charge
 * can be given back, for a request that then ran nothing (refused by another check, or answered
 * with a stored response).
 */
export type Charge = BudgetState & ({ granted: true; refund(): Promise<void> } | { granted: false; retryAfterSeconds: number });

/** A budget of cost points per client, which requests are charged to before they run. */
export interface CostBudget {
  /** Charges `cost` points to `client`, unless that would overdraw its budget. */
  charge(client: string, cost: number): Promise<Charge>;
  close(): Promise<void>;
}

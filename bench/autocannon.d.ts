// No type declarations ship with autocannon; this is the part the bench scripts use.
declare module 'autocannon' {
  interface AutocannonResult {
    errors: number;
    timeouts: number;
    non2xx: number;
    requests: { total: number };
    latency: { p50: number; p99: number; max: number };
  }

  interface AutocannonInstance extends PromiseLike<AutocannonResult> {
    on(event: 'response', listener: (client: unknown, status: number, bytes: number, ms: number) => void): void;
    stop(): void;
  }

  function autocannon(options: object): autocannon.AutocannonInstance;

  namespace autocannon {
    export type { AutocannonInstance, AutocannonResult };
  }

  export = autocannon;
}

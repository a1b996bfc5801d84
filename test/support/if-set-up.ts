/**
 * What a beforeAll assigned, as an afterAll (or afterEach) must see it: jest runs the teardown
 * even when the setup failed before the assignment, which the `let x: T` the tests rely on does
 * not say. `await ifSetUp(app)?.stop()` cleans up whatever exists, and a failed setup reports its
 * own error instead of a TypeError from the teardown.
 */
export function ifSetUp<T>(value: T): T | undefined {
  return value;
}

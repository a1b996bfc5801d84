import { ifSetUp } from './if-set-up';
import { startTestApp, type TestApp } from './test-app';

/**
 * One server for the whole spec file, over a fresh database whose sessions (and, by cascade,
 * everything hanging off them) are emptied before each test: tests start from no rows without
 * paying for a server each. Call at the top level of a spec; the returned function gives the app.
 */
export function sharedTestApp(): () => TestApp {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await ifSetUp(app)?.stop();
  });
  beforeEach(async () => {
    await app.db.query('truncate interview_session cascade');
  });
  return () => app;
}

/** The JSON log lines a test app wrote (startTestApp's `logLines`), parsed. */
export const logged = (lines: string[]) => lines.map((line) => JSON.parse(line) as Record<string, any>);

/** The one line each GraphQL request gets (request-observability.plugin.ts). */
export const requestLines = (lines: string[]) => logged(lines).filter((line) => line.msg === 'graphql request');

/** Value of one sample in Prometheus text format, e.g. sample(text, 'db_pool_max_connections'). */
export function sample(metrics: string, name: string, labels = ''): number | undefined {
  const line = metrics.split('\n').find((candidate) => candidate.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.split(' ').at(-1));
}

/** GET /metrics of a running server, as text. */
export async function scrape(baseUrl: string): Promise<string> {
  return (await fetch(`${baseUrl}/metrics`)).text();
}

/** How many times a server counted a refusal of this reason (graphql_auth_rejections_total). */
export async function authRejections(baseUrl: string, reason: string): Promise<number> {
  return sample(await scrape(baseUrl), 'graphql_auth_rejections_total', `{reason="${reason}"}`) ?? 0;
}

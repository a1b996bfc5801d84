/** A GET of a health route (/health/live, /health/ready): its status and JSON body. */
export async function health(
  baseUrl: string,
  path: '/health/live' | '/health/ready',
): Promise<{ status: number; body: Record<string, any> }> {
  const response = await fetch(`${baseUrl}${path}`);
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

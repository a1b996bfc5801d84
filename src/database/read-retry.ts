import { isConnectionLost } from './database-unavailable';

/**
 * Runs a read; if its connection broke under it (a backend killed, a socket reset or gone
 * silent), runs it once more: the pool hands out a fresh, checked connection. Only for reads:
 * a write may have been applied before the connection broke, so it is never retried blindly.
 */
export async function readWithRetry<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (!isConnectionLost(error)) throw error;
    return read();
  }
}

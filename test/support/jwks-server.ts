import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

/** A signing key of an issuer: the private half signs tokens, the public half goes in the JWKS. */
export interface IssuerKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK;
}

export async function newIssuerKey(kid: string, alg: IssuerKey['alg'] = 'RS256'): Promise<IssuerKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/**
 * An issuer's key server as the test owns it: `node:http` on 127.0.0.1, serving the JWKS of the
 * keys given (`publish` replaces them: a rotation), or failing (`fail`). Counts the fetches.
 */
export interface JwksServer {
  /** e.g. http://127.0.0.1:43210/.well-known/jwks.json */
  readonly url: string;
  /** JWKS requests answered so far. */
  readonly fetches: number;
  publish(keys: IssuerKey[]): void;
  /** Answers every request with this HTTP status from now on (until the next publish). */
  fail(status: number): void;
  stop(): Promise<void>;
}

export async function startJwksServer(keys: IssuerKey[]): Promise<JwksServer> {
  let body = jwks(keys);
  let failure: number | undefined;
  let fetches = 0;
  const server: Server = createServer((_request, response) => {
    fetches += 1;
    if (failure !== undefined) response.writeHead(failure).end();
    else response.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    get fetches() {
      return fetches;
    },
    publish(next) {
      body = jwks(next);
      failure = undefined;
    },
    fail(status) {
      failure = status;
    },
    stop: () =>
      new Promise<void>((closed) => {
        server.closeAllConnections();
        server.close(() => closed());
      }),
  };
}

const jwks = (keys: IssuerKey[]) => JSON.stringify({ keys: keys.map((key) => key.jwk) });

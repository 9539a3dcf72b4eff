import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWTPayload, type KeyLike } from 'jose';

/**
 * A real OpenID Connect issuer on a local port, for tests: discovery document and JWKS over HTTP,
 * an RS256 key pair generated with jose, and a signer for tokens. `down = true` makes it answer 503.
 */
export interface TestIssuer {
  issuer: string;
  audience: string;
  privateKey: KeyLike;
  /** A PEM of the public key (for algorithm-confusion tests). */
  publicKeyPem: string;
  /** Requests served, by path. */
  hits: Record<string, number>;
  down: boolean;
  sign(
    claims: JWTPayload,
    options?: {
      expiresIn?: string | number;
      audience?: string;
      issuer?: string;
      key?: KeyLike;
      kid?: string;
      alg?: string;
    },
  ): Promise<string>;
  close(): Promise<void>;
}

export async function startTestIssuer(audience = 'ciclo-api'): Promise<TestIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key-1', alg: 'RS256', use: 'sig' };
  const publicKeyPem = await exportSPKI(publicKey);
  const hits: Record<string, number> = {};
  let issuer = '';
  const state = { down: false };
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    hits[path] = (hits[path] ?? 0) + 1;
    if (state.down) {
      res.writeHead(503).end();
      return;
    }
    if (path === '/.well-known/openid-configuration') {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(
          JSON.stringify({
            issuer,
            jwks_uri: `${issuer}/jwks`,
            id_token_signing_alg_values_supported: ['RS256'],
          }),
        );
    } else if (path === '/jwks') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    audience,
    privateKey,
    publicKeyPem,
    hits,
    get down() {
      return state.down;
    },
    set down(v: boolean) {
      state.down = v;
    },
    sign(claims, o = {}) {
      return new SignJWT(claims)
        .setProtectedHeader({ alg: o.alg ?? 'RS256', kid: o.kid ?? 'test-key-1', typ: 'JWT' })
        .setIssuer(o.issuer ?? issuer)
        .setAudience(o.audience ?? audience)
        .setIssuedAt()
        .setExpirationTime(o.expiresIn ?? '5m')
        .sign(o.key ?? privateKey);
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

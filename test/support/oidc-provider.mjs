/**
 * A real OpenID Connect provider (the `oidc-provider` package) for the tests of the console's
 * login, run in its own process: `node test/support/oidc-provider.mjs`, configured by environment
 * variables, listening on a random port of 127.0.0.1. It prints one JSON line `{"issuer": ...}`
 * once it answers.
 *
 * One confidential client (PKCE required, refresh tokens issued and rotated), test accounts whose
 * claims include the tenant, and an interaction that logs in automatically the current account
 * (set with `GET /_test/account?id=<account>`; the id `deny` makes the login fail with
 * `access_denied`) and grants the requested scopes.
 *
 * OP_CLIENT_ID, OP_CLIENT_SECRET, OP_REDIRECT_URI, OP_POST_LOGOUT_REDIRECT_URI,
 * OP_AUTH_METHOD (client_secret_basic), OP_ACCESS_TOKEN_TTL (seconds, 3600),
 * OP_ACCOUNTS (JSON: {accountId: {tenant, name, roles?}}), OP_ACCOUNT (the first one),
 * OP_CONFORM_ID_TOKEN_CLAIMS (false).
 */
/* global process, URL */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import Provider from 'oidc-provider';

const env = process.env;
const required = (name) => {
  const v = env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};
const accounts = JSON.parse(required('OP_ACCOUNTS'));
let current = env.OP_ACCOUNT ?? Object.keys(accounts)[0];

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: required('OP_CLIENT_ID'),
      client_secret: required('OP_CLIENT_SECRET'),
      redirect_uris: [required('OP_REDIRECT_URI')],
      post_logout_redirect_uris: [required('OP_POST_LOGOUT_REDIRECT_URI')],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: env.OP_AUTH_METHOD ?? 'client_secret_basic',
    },
  ],
  jwks: { keys: [{ ...signingKey, kid: 'test-signing-key', use: 'sig', alg: 'RS256' }] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  // PKCE for every client, confidential ones included (S256 is the only method oidc-provider accepts).
  pkce: { required: () => true },
  claims: { openid: ['sub', 'tenant', 'roles'], profile: ['name'], email: ['email'] },
  // The ID token of the code flow carries the claims of the granted scopes (as most gateways do),
  // unless OP_CONFORM_ID_TOKEN_CLAIMS=true: then only the openid scope's (sub, tenant, roles), the
  // profile's (name) from the userinfo endpoint.
  conformIdTokenClaims: env.OP_CONFORM_ID_TOKEN_CLAIMS === 'true',
  features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true }, revocation: { enabled: true } },
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  rotateRefreshToken: true,
  ttl: {
    AccessToken: Number(env.OP_ACCESS_TOKEN_TTL ?? 3600),
    AuthorizationCode: 60,
    IdToken: 3600,
    RefreshToken: 24 * 3600,
    Interaction: 600,
    Session: 24 * 3600,
    Grant: 24 * 3600,
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(_ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...account }) };
  },
  renderError(ctx, out) {
    ctx.type = 'application/json';
    ctx.body = out;
  },
});

const handle = provider.callback();

/** The automatic interaction: log in the current account, then grant what the client asked for. */
async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  if (details.prompt.name === 'login') {
    if (current === 'deny') {
      return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'the test account refused' }, { mergeWithLastSubmission: false });
    }
    return provider.interactionFinished(req, res, { login: { accountId: current } }, { mergeWithLastSubmission: false });
  }
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
  const missing = details.prompt.details;
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, { consent: details.grantId ? {} : { grantId } }, { mergeWithLastSubmission: true });
}

server.on('request', (req, res) => {
  const url = new URL(req.url ?? '/', issuer);
  if (url.pathname === '/_test/account') {
    current = url.searchParams.get('id') ?? current;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ account: current }));
    return;
  }
  if (url.pathname.startsWith('/interaction/')) {
    interaction(req, res).catch((err) => {
      res.statusCode = 500;
      res.setHeader('content-type', 'text/plain');
      res.end(`interaction failed: ${err.message}`);
    });
    return;
  }
  handle(req, res);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.stdout.write(`${JSON.stringify({ issuer })}\n`);

// A local OpenID provider for the Advocacy test suite, built on the npm package oidc-provider.
//
// One confidential client, a handful of test accounts with the claims the app maps (email,
// email_verified, name, department, manager_email), the authorization code flow with PKCE required,
// and a sign-in page that a test completes with one plain form POST (no browser, no password).
//
// It can also misbehave on purpose, so the app's refusals can be tested against a real provider:
// OIDC_PEER_MODE (or POST /_peer/mode at run time) rewrites the ID token the token endpoint returns.
//
// Configuration, all by environment (the Python launcher peers/launch.py sets them):
//   OIDC_PEER_PORT            port to listen on, on 127.0.0.1 (required)
//   OIDC_CLIENT_ID            the client's id (default "advocacy")
//   OIDC_CLIENT_SECRET        the client's secret (required)
//   OIDC_REDIRECT_URIS        space-separated redirect URIs registered for the client (required)
//   OIDC_POST_LOGOUT_REDIRECT_URIS  space-separated, optional
//   OIDC_TOKEN_AUTH_METHOD    client_secret_basic (default) or client_secret_post
//   OIDC_PEER_MODE            normal | wrong-aud | wrong-iss | expired | bad-signature | wrong-nonce
//   OIDC_PEER_ACCOUNTS        JSON object {sub: {claims...}} that replaces the built-in accounts
//   OIDC_PEER_CONTROL_TOKEN   secret a test sends (X-Peer-Control header) to change the mode
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';

import * as jose from 'jose';
import Provider from 'oidc-provider';

const MODES = ['normal', 'wrong-aud', 'wrong-iss', 'expired', 'bad-signature', 'wrong-nonce'];

const DEFAULT_ACCOUNTS = {
  alice: {
    email: 'alice@example.com', email_verified: true, name: 'Alice Andersen',
    department: 'Sales', manager_email: 'bob@example.com',
  },
  bob: {
    email: 'bob@example.com', email_verified: true, name: 'Bob Bakker',
    department: 'Sales', manager_email: 'dana@example.com',
  },
  carol: {
    // An address the provider has not verified: the app must not match people by it.
    email: 'carol@example.com', email_verified: false, name: 'Carol Claes',
    department: 'Marketing', manager_email: 'dana@example.com',
  },
  dana: {
    // No department and no manager: just-in-time creation must cope with missing claims.
    email: 'dana@example.com', email_verified: true, name: 'Dana de Vries',
  },
};

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`oidc peer: ${name} is required`);
    process.exit(2);
  }
  return value;
}

function words(value) {
  return (value || '').split(/\s+/).filter(Boolean);
}

const port = Number(required('OIDC_PEER_PORT'));
const issuer = `http://127.0.0.1:${port}`;
const clientId = process.env.OIDC_CLIENT_ID || 'advocacy';
const clientSecret = required('OIDC_CLIENT_SECRET');
const redirectUris = words(required('OIDC_REDIRECT_URIS'));
const controlToken = process.env.OIDC_PEER_CONTROL_TOKEN || '';
const accounts = process.env.OIDC_PEER_ACCOUNTS ? JSON.parse(process.env.OIDC_PEER_ACCOUNTS) : DEFAULT_ACCOUNTS;
let mode = process.env.OIDC_PEER_MODE || 'normal';
if (!MODES.includes(mode)) {
  console.error(`oidc peer: unknown OIDC_PEER_MODE ${mode}; one of ${MODES.join(', ')}`);
  process.exit(2);
}

// The key the provider advertises in its JWKS and signs with, and a second key of the same shape
// that only the bad-signature mode uses (same kid, so only the signature check can catch it).
async function makeSigningKey(kid) {
  const { privateKey } = await jose.generateKeyPair('RS256', { extractable: true });
  return { ...(await jose.exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
}
const kid = `peer-${randomUUID().slice(0, 8)}`;
const signingJwk = await makeSigningKey(kid);
const impostorJwk = await makeSigningKey(kid);

function accountClaims(sub) {
  const { sub: _ignored, ...claims } = accounts[sub];
  return { sub, ...claims };
}

const configuration = {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: redirectUris,
    post_logout_redirect_uris: words(process.env.OIDC_POST_LOGOUT_REDIRECT_URIS),
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: process.env.OIDC_TOKEN_AUTH_METHOD || 'client_secret_basic',
  }],
  jwks: { keys: [signingJwk] },
  cookies: { keys: [randomUUID(), randomUUID()] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'department', 'manager_email'],
  },
  // Put the scope's claims in the ID token itself (as Entra ID and Okta can), not only in userinfo.
  conformIdTokenClaims: false,
  // PKCE for every client, the confidential one included: a request without it is refused.
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  ttl: { AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 3600, IdToken: 3600 },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    if (!accounts[sub]) return undefined;
    return { accountId: sub, claims: async () => accountClaims(sub) };
  },
  // A first-party client: consent is granted at once for what was asked, so sign-in is one POST.
  async loadExistingGrant(ctx) {
    const existing = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (existing) return ctx.oidc.provider.Grant.find(existing);
    if (!ctx.oidc.session.accountId) return undefined;
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(' '));
    grant.addOIDCClaims([...ctx.oidc.requestParamClaims]);
    await grant.save();
    return grant;
  },
};

const provider = new Provider(issuer, configuration);

// What each misbehaving mode changes in the ID token's claims before it is signed again.
function tamperedClaims(claims, now) {
  switch (mode) {
    case 'wrong-aud': return { ...claims, aud: `not-${clientId}` };
    case 'wrong-iss': return { ...claims, iss: `${issuer}/someone-else` };
    case 'expired': return { ...claims, iat: now - 7200, auth_time: now - 7200, exp: now - 3600 };
    case 'wrong-nonce': return { ...claims, nonce: `forged-${randomUUID()}` };
    default: return claims;
  }
}

async function rewriteIdToken(idToken) {
  const header = jose.decodeProtectedHeader(idToken);
  const claims = tamperedClaims(jose.decodeJwt(idToken), Math.floor(Date.now() / 1000));
  const key = await jose.importJWK(mode === 'bad-signature' ? impostorJwk : signingJwk, 'RS256');
  return new jose.SignJWT(claims).setProtectedHeader(header).sign(key);
}

provider.use(async (ctx, next) => {
  await next();
  if (mode !== 'normal' && ctx.path === '/token' && ctx.body && ctx.body.id_token) {
    ctx.body = { ...ctx.body, id_token: await rewriteIdToken(ctx.body.id_token) };
    console.log(`oidc peer: ID token rewritten (mode ${mode})`);
  }
});

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function readForm(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

function send(res, status, contentType, body) {
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  res.end(body);
}

// The sign-in page: pick a test account. A test skips the page and POSTs account=<sub> to .../login.
function loginPage(uid, details) {
  const options = Object.keys(accounts)
    .map((sub) => `<option value="${escapeHtml(sub)}">${escapeHtml(sub)} (${escapeHtml(accounts[sub].email || '')})</option>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Local OpenID provider</title></head>
<body><h1>Sign in to the local OpenID provider</h1>
<p>Client: ${escapeHtml(details.params.client_id)}; scope: ${escapeHtml(details.params.scope || '')}</p>
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label>Account <select name="account">${options}</select></label>
<button type="submit">Sign in</button></form>
<form method="post" action="/interaction/${escapeHtml(uid)}/abort"><button type="submit">Cancel</button></form>
</body></html>`;
}

async function handleInteraction(req, res, parts) {
  const [uid, action] = parts;
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return send(res, 400, 'text/plain', 'interaction mismatch');
  if (req.method === 'GET' && !action) return send(res, 200, 'text/html; charset=utf-8', loginPage(uid, details));
  if (req.method === 'POST' && action === 'login') {
    const form = await readForm(req);
    const sub = form.get('account');
    if (!accounts[sub]) return send(res, 400, 'text/plain', `unknown account ${sub}`);
    console.log(`oidc peer: ${sub} signs in for ${details.params.client_id}`);
    return provider.interactionFinished(req, res, { login: { accountId: sub } }, { mergeWithLastSubmission: false });
  }
  if (req.method === 'POST' && action === 'abort') {
    return provider.interactionFinished(req, res, {
      error: 'access_denied', error_description: 'The person cancelled the sign-in.',
    }, { mergeWithLastSubmission: false });
  }
  return send(res, 405, 'text/plain', 'method not allowed');
}

// POST /_peer/mode with mode=<mode> and the control token: how a test switches misbehaviour
// without restarting the provider.
async function handleControl(req, res) {
  if (!controlToken || req.headers['x-peer-control'] !== controlToken) return send(res, 403, 'text/plain', 'forbidden');
  if (req.method === 'GET') return send(res, 200, 'application/json', JSON.stringify({ mode }));
  const wanted = (await readForm(req)).get('mode');
  if (!MODES.includes(wanted)) return send(res, 400, 'text/plain', `unknown mode ${wanted}`);
  mode = wanted;
  console.log(`oidc peer: mode is now ${mode}`);
  return send(res, 200, 'application/json', JSON.stringify({ mode }));
}

const providerCallback = provider.callback();

const server = createServer((req, res) => {
  const path = new URL(req.url, issuer).pathname;
  const parts = path.split('/').filter(Boolean);
  let handled;
  if (parts[0] === 'interaction' && parts.length >= 2) handled = handleInteraction(req, res, parts.slice(1));
  else if (path === '/_peer/mode') handled = handleControl(req, res);
  else return providerCallback(req, res);
  handled.catch((error) => {
    console.error(`oidc peer: ${req.method} ${path} failed:`, error);
    if (!res.headersSent) send(res, 500, 'text/plain', String(error.message || error));
  });
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}

server.listen(port, '127.0.0.1', () => {
  console.log(`oidc peer: ready at ${issuer} (client ${clientId}, mode ${mode}, accounts ${Object.keys(accounts).join(', ')})`);
});

// A local SAML 2.0 identity provider for the Advocacy test suite: the npm package saml-idp, started
// with this project's accounts and attributes, and able to misbehave on purpose.
//
// saml-idp 1.2.1 names its SAML library (samlp) as a GitHub fork, which cannot be fetched here;
// package.json overrides it with samlp 7.1.1 from the npm registry, the upstream release that
// the fork started from and that offers every option saml-idp passes.
//
// Configuration, all by environment (the Python launcher peers/launch.py sets them):
//   SAML_PEER_PORT          port to listen on, on 127.0.0.1 (required)
//   SAML_ACS_URL            the SP's assertion consumer service URL (required)
//   SAML_SP_ENTITY_ID       the SP's entity id: the assertion's audience (required)
//   SAML_PEER_CERT, SAML_PEER_KEY   PEM files of the signing certificate and key (required)
//   SAML_PEER_IMPOSTOR_CERT, SAML_PEER_IMPOSTOR_KEY   another pair, for the bad-signature mode
//   SAML_PEER_ISSUER        the IdP's entity id (default urn:advocacy:test-idp)
//   SAML_PEER_MODE          normal | wrong-aud | unsigned | unsigned-assertion | expired | bad-signature
//   SAML_PEER_ACCOUNTS      JSON object {id: {userName, email, name, department, ...}} replacing the built-in ones
//   SAML_PEER_CONTROL_TOKEN secret a test sends (X-Peer-Control header) to change the mode at run time
'use strict';

const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const MODES = ['normal', 'wrong-aud', 'unsigned', 'unsigned-assertion', 'expired', 'bad-signature'];
const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
// How far in the past the expired mode dates an assertion (its lifetime is one hour).
const EXPIRED_SHIFT_MS = 2 * 3600 * 1000;

const DEFAULT_ACCOUNTS = {
  alice: { email: 'alice@example.com', name: 'Alice Andersen', department: 'Sales', manager_email: 'bob@example.com' },
  bob: { email: 'bob@example.com', name: 'Bob Bakker', department: 'Sales', manager_email: 'dana@example.com' },
  carol: { email: 'carol@example.com', name: 'Carol Claes', department: 'Marketing', manager_email: 'dana@example.com' },
  // No department and no manager: just-in-time creation must cope with missing attributes.
  dana: { email: 'dana@example.com', name: 'Dana de Vries' },
};

// The attributes every assertion carries (when the account has a value), by SAML attribute name.
const ATTRIBUTES = [
  { id: 'email', optional: false, displayName: 'E-mail', description: 'The e-mail address', multiValue: false },
  { id: 'name', optional: true, displayName: 'Name', description: 'The full name', multiValue: false },
  { id: 'department', optional: true, displayName: 'Department', description: 'The department', multiValue: false },
  { id: 'manager_email', optional: true, displayName: 'Manager', description: "The manager's e-mail", multiValue: false },
];

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`saml peer: ${name} is required`);
    process.exit(2);
  }
  return value;
}

const port = Number(required('SAML_PEER_PORT'));
const acsUrl = required('SAML_ACS_URL');
const spEntityId = required('SAML_SP_ENTITY_ID');
const certFile = required('SAML_PEER_CERT');
const keyFile = required('SAML_PEER_KEY');
const issuer = process.env.SAML_PEER_ISSUER || 'urn:advocacy:test-idp';
const controlToken = process.env.SAML_PEER_CONTROL_TOKEN || '';
const rawAccounts = process.env.SAML_PEER_ACCOUNTS ? JSON.parse(process.env.SAML_PEER_ACCOUNTS) : DEFAULT_ACCOUNTS;
const accounts = Object.fromEntries(Object.entries(rawAccounts).map(([id, account]) => [
  id, { userName: account.email, nameIdFormat: EMAIL_FORMAT, ...account },
]));
const impostor = process.env.SAML_PEER_IMPOSTOR_CERT && {
  cert: fs.readFileSync(process.env.SAML_PEER_IMPOSTOR_CERT),
  key: fs.readFileSync(process.env.SAML_PEER_IMPOSTOR_KEY),
};

let mode = process.env.SAML_PEER_MODE || 'normal';
function checkMode(wanted) {
  if (!MODES.includes(wanted)) return `unknown mode ${wanted}; one of ${MODES.join(', ')}`;
  if (wanted === 'bad-signature' && !impostor) return 'bad-signature needs SAML_PEER_IMPOSTOR_CERT and _KEY';
  return null;
}
if (checkMode(mode)) {
  console.error(`saml peer: ${checkMode(mode)}`);
  process.exit(2);
}

const samlIdpDir = path.dirname(require.resolve('saml-idp/package.json'));
const fromSamlIdp = (name) => require(require.resolve(name, { paths: [samlIdpDir] }));
const samlp = fromSamlIdp('samlp');
const moment = require(require.resolve('moment', { paths: [path.dirname(require.resolve('saml', { paths: [samlIdpDir] }))] }));
const defaultNow = moment.now;

// The assertion's times come from moment: the expired mode moves its clock back two hours.
function applyClock() {
  moment.now = mode === 'expired' ? () => Date.now() - EXPIRED_SHIFT_MS : defaultNow;
}
applyClock();

// The account a sign-in form names (account=<id>); without one, saml-idp's own user, whose fields
// the same form may set one by one (userName, email, name, department, ...).
function userFor(req, fallback) {
  const id = req.body && req.body.account;
  if (id && accounts[id]) return { ...accounts[id] };
  return fallback(req);
}

// saml-idp builds each response with samlp.auth(options): each mode changes those options.
const originalAuth = samlp.auth;
samlp.auth = function auth(options) {
  const fallback = options.getUserFromRequest;
  const changed = { ...options, getUserFromRequest: (req) => userFor(req, fallback) };
  if (mode === 'wrong-aud') changed.audience = `${spEntityId}/someone-else`;
  if (mode === 'unsigned') Object.assign(changed, { signResponse: false, signAssertion: false });
  if (mode === 'unsigned-assertion') Object.assign(changed, { signResponse: true, signAssertion: false });
  if (mode === 'bad-signature') Object.assign(changed, impostor);
  console.log(`saml peer: response for ${spEntityId} (mode ${mode})`);
  return originalAuth.call(this, changed);
};

function readForm(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

// GET or POST /_peer/mode (mode=<mode>) with the control token: switch modes without a restart.
async function handleControl(req, res) {
  const reply = (status, body) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (!controlToken || req.headers['x-peer-control'] !== controlToken) return reply(403, { error: 'forbidden' });
  if (req.method === 'POST') {
    const wanted = (await readForm(req)).get('mode');
    const problem = checkMode(wanted);
    if (problem) return reply(400, { error: problem });
    mode = wanted;
    applyClock();
    console.log(`saml peer: mode is now ${mode}`);
  }
  return reply(200, { mode });
}

// saml-idp creates its own HTTP server; the control path is answered before its Express app.
const originalCreateServer = http.createServer;
http.createServer = function createServer(handler) {
  return originalCreateServer.call(http, (req, res) => {
    if (req.url.split('?')[0] === '/_peer/mode') {
      handleControl(req, res).catch((error) => { res.statusCode = 500; res.end(String(error)); });
      return undefined;
    }
    return handler(req, res);
  });
};

for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));

const { runServer } = require(path.join(samlIdpDir, 'app.js'));
const firstAccount = accounts[Object.keys(accounts)[0]];
runServer({
  host: '127.0.0.1',
  port,
  cert: certFile,
  key: keyFile,
  issuer,
  acsUrl,
  audience: spEntityId,
  serviceProviderId: spEntityId,
  // Only the registered ACS URL, as a real IdP does: an AuthnRequest cannot redirect the response.
  disableRequestAcsUrl: true,
  config: { user: { ...firstAccount }, metadata: ATTRIBUTES },
});
console.log(`saml peer: starting on http://127.0.0.1:${port} (issuer ${issuer}, audience ${spEntityId}, mode ${mode})`);

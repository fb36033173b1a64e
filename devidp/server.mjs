// Early Help Portal — DEVELOPMENT / TEST OpenID Provider.
//
// *** FOR DEVELOPMENT AND AUTOMATED TESTS ONLY. NEVER USE IN PRODUCTION. ***
//
// It signs in fictional demo accounts (devidp/accounts.json) that all share one
// published password, keeps everything in memory, makes a fresh signing key and
// cookie keys at every start, and runs over plain http. Production sign-in is
// the councils' real identity provider (Microsoft Entra ID).
//
// Built on panva's oidc-provider (a certified OpenID Provider). Start with:
//   node devidp/server.mjs          (from any working directory)
// Configuration: see devidp/README.md. Prints "devidp listening on <issuer>"
// on stdout once it accepts connections; stops cleanly on SIGTERM / SIGINT.

import { createServer } from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import Provider from 'oidc-provider';

const HERE = dirname(fileURLToPath(import.meta.url));

// ---------------------------------------------------------------- settings --

const env = process.env;
const list = (value) => value.split(',').map((s) => s.trim()).filter(Boolean);

const HOST = env.IDP_HOST || '127.0.0.1';
const PORT = Number.parseInt(env.IDP_PORT || '9000', 10);
const ISSUER = (env.IDP_ISSUER || `http://${HOST}:${PORT}`).replace(/\/+$/, '');
const CLIENT_ID = env.IDP_CLIENT_ID || 'early-help-portal';
const CLIENT_SECRET = env.IDP_CLIENT_SECRET || 'demo-client-secret-not-for-production';
const REDIRECT_URIS = list(env.IDP_REDIRECT_URIS || 'http://127.0.0.1:8000/auth/callback');
const POST_LOGOUT_REDIRECT_URIS = list(
  env.IDP_POST_LOGOUT_REDIRECT_URIS || 'http://127.0.0.1:8000/signed-out',
);
const ACCOUNTS_FILE = env.IDP_ACCOUNTS ? resolve(env.IDP_ACCOUNTS) : join(HERE, 'accounts.json');

const DEMO_PASSWORD = 'demo-password';
const CLIENT_NAME = 'Early Help Portal';
const SERVICE_NAME = 'Development identity provider';

// ---------------------------------------------------------------- accounts --

const ACCOUNTS = JSON.parse(readFileSync(ACCOUNTS_FILE, 'utf8'));
for (const a of ACCOUNTS) {
  for (const key of ['username', 'sub', 'given_name', 'family_name', 'name', 'email', 'organisation']) {
    if (typeof a[key] !== 'string' || !a[key]) throw new Error(`${ACCOUNTS_FILE}: account needs a "${key}" string: ${JSON.stringify(a)}`);
  }
  if (!Array.isArray(a.roles) || !a.roles.every((r) => typeof r === 'string')) {
    throw new Error(`${ACCOUNTS_FILE}: "roles" must be an array of strings for ${a.username}`);
  }
}
const bySub = new Map(ACCOUNTS.map((a) => [a.sub, a]));
const byUsername = new Map(ACCOUNTS.map((a) => [a.username.toLowerCase(), a]));
if (bySub.size !== ACCOUNTS.length || byUsername.size !== ACCOUNTS.length) {
  throw new Error(`${ACCOUNTS_FILE}: usernames and subs must be unique`);
}

async function findAccount(ctx, sub) {
  const account = bySub.get(sub);
  if (!account) return undefined;
  return {
    accountId: account.sub,
    // The provider keeps only the claims that the granted scopes allow.
    async claims() {
      return {
        sub: account.sub,
        name: account.name,
        given_name: account.given_name,
        family_name: account.family_name,
        email: account.email,
        organisation: account.organisation,
        roles: [...account.roles],
      };
    },
  };
}

// -------------------------------------------------------------------- HTML --

const esc = (value) => String(value ?? '').replace(/[&<>"'`]/g, (c) => ({
  '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;',
}[c]));

const CSS = `
*{box-sizing:border-box}
body{margin:0;font-family:Arial,Helvetica,sans-serif;font-size:19px;line-height:1.4;color:#0b0c0c;background:#fff}
header{background:#0b0c0c;color:#fff;padding:10px 15px}
header p{margin:0 auto;max-width:960px;font-weight:700}
main{display:block;max-width:960px;margin:0 auto;padding:30px 15px 50px}
h1{font-size:36px;line-height:1.1;margin:0 0 25px}
h2{font-size:24px;line-height:1.2;margin:40px 0 15px}
p{margin:0 0 20px}
a{color:#1d70b8;text-decoration:underline}
a:visited{color:#4c2c92}
a:hover{color:#003078}
a:focus{outline:3px solid transparent;color:#0b0c0c;background:#fd0;box-shadow:0 -2px #fd0,0 4px #0b0c0c;text-decoration:none}
.inset{border-left:10px solid #b1b4b6;padding:15px;margin:0 0 30px}
.inset p{margin:0}
.field{margin:0 0 30px}
.field--error{border-left:5px solid #d4351c;padding-left:15px}
label{display:block;font-weight:700;margin:0 0 5px}
.error-message{display:block;color:#d4351c;font-weight:700;margin:0 0 10px}
input{font:inherit;width:100%;max-width:20em;height:2.1em;padding:5px;border:2px solid #0b0c0c;border-radius:0;background:#fff;color:#0b0c0c}
input.input--error{border-color:#d4351c}
input:focus{outline:3px solid #fd0;outline-offset:0;box-shadow:inset 0 0 0 2px #0b0c0c}
button{font:inherit;line-height:1.2;background:#00703c;color:#fff;border:2px solid transparent;border-radius:0;padding:8px 12px 7px;margin:0 15px 20px 0;box-shadow:0 2px 0 #002d18;cursor:pointer}
button:hover{background:#005a30}
button.secondary{background:#f3f2f1;color:#0b0c0c;box-shadow:0 2px 0 #929191}
button.secondary:hover{background:#dbdad9}
button:focus{outline:3px solid transparent;border-color:#fd0;background:#fd0;color:#0b0c0c;box-shadow:0 2px 0 #0b0c0c}
.error-summary{border:5px solid #d4351c;padding:20px 15px;margin:0 0 30px}
.error-summary h2{margin:0 0 15px}
.error-summary ul{margin:0;padding:0;list-style:none}
.error-summary a{color:#d4351c;font-weight:700}
.error-summary a:focus{color:#0b0c0c}
table{border-collapse:collapse;width:100%;font-size:16px;margin:0 0 20px}
caption{text-align:left;font-weight:700;font-size:24px;margin:0 0 15px}
th,td{text-align:left;vertical-align:top;padding:10px 15px 10px 0;border-bottom:1px solid #b1b4b6;overflow-wrap:anywhere}
@media (max-width:640px){body{font-size:16px}h1{font-size:27px}table,thead,tbody,tr,th,td{display:block}thead tr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}tr{border-bottom:1px solid #b1b4b6;padding:10px 0}td{border:0;padding:2px 0}td[data-label]::before{content:attr(data-label) ": ";font-weight:700}}
code{font-family:"Courier New",Courier,monospace;font-size:0.95em;background:#f3f2f1;padding:0 3px}
.visually-hidden{position:absolute!important;width:1px!important;height:1px!important;margin:0!important;padding:0!important;overflow:hidden!important;clip:rect(0 0 0 0)!important;clip-path:inset(50%)!important;border:0!important;white-space:nowrap!important}
`;

function page({ title, body, hasError = false }) {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${hasError ? 'Error: ' : ''}${esc(title)} – ${esc(SERVICE_NAME)}</title>
<style>${CSS}</style>
</head>
<body>
<header><p>${esc(SERVICE_NAME)} – for development and testing only, never production</p></header>
<main id="main">
${body}
</main>
</body>
</html>
`;
}

function accountsTable() {
  const rows = ACCOUNTS.map((a) => `<tr><td data-label="Username"><code>${esc(a.username)}</code></td>`
    + `<td data-label="Name">${esc(a.name)}</td><td data-label="Job title">${esc(a.job_title || '')}</td>`
    + `<td data-label="Organisation">${esc(a.organisation)}</td><td data-label="Roles">${a.roles.length ? a.roles.map((r) => `<code>${esc(r)}</code>`).join(', ') : 'None'}</td></tr>`).join('\n');
  return `<table>
<caption class="visually-hidden">Demo accounts</caption>
<thead><tr><th scope="col">Username</th><th scope="col">Name</th><th scope="col">Job title</th><th scope="col">Organisation</th><th scope="col">Roles</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

function errorSummary(errors) {
  const items = Object.entries(errors)
    .map(([field, message]) => `<li><a href="#${esc(field)}">${esc(message)}</a></li>`).join('');
  return `<div class="error-summary" role="alert" aria-labelledby="error-summary-title">
<h2 id="error-summary-title">There is a problem</h2>
<ul>${items}</ul>
</div>`;
}

function field({ name, label, type, autocomplete, value, error }) {
  const errorId = `${name}-error`;
  return `<div class="field${error ? ' field--error' : ''}">
<label for="${name}">${esc(label)}</label>
${error ? `<p class="error-message" id="${errorId}"><span class="visually-hidden">Error: </span>${esc(error)}</p>` : ''}
<input id="${name}" name="${name}" type="${type}" autocomplete="${autocomplete}"${value !== undefined ? ` value="${esc(value)}"` : ''}${
  type === 'text' ? ' spellcheck="false" autocapitalize="none"' : ''}${error ? ` class="input--error" aria-describedby="${errorId}"` : ''}>
</div>`;
}

function loginPage({ uid, username = '', errors = {} }) {
  const hasError = Object.keys(errors).length > 0;
  const body = `${hasError ? errorSummary(errors) : ''}
<h1>Sign in</h1>
<p>Sign in to continue to ${esc(CLIENT_NAME)}.</p>
<div class="inset"><p>${esc(SERVICE_NAME)} — every demo account's password is <code>${esc(DEMO_PASSWORD)}</code></p></div>
<form method="post" action="/interaction/${esc(uid)}/login" novalidate>
${field({ name: 'username', label: 'Username', type: 'text', autocomplete: 'username', value: username, error: errors.username })}
${field({ name: 'password', label: 'Password', type: 'password', autocomplete: 'current-password', error: errors.password })}
<button type="submit">Sign in</button>
</form>
<p><a href="/interaction/${esc(uid)}/abort">Cancel and go back to ${esc(CLIENT_NAME)}</a></p>
<h2>Choose a demo account</h2>
<p>Enter one of these usernames. Every account is fictional.</p>
${accountsTable()}`;
  return page({ title: 'Sign in', body, hasError });
}

function problemPage(title, message, status, ctx) {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('cache-control', 'no-store');
  ctx.body = page({
    title,
    body: `<h1>${esc(title)}</h1>\n<p>${esc(message)}</p>`,
  });
}

// ------------------------------------------------- provider page overrides --

async function renderError(ctx, out) {
  ctx.type = 'html';
  const details = Object.entries(out)
    .map(([k, v]) => `<tr><th scope="row"><code>${esc(k)}</code></th><td>${esc(v)}</td></tr>`).join('');
  ctx.body = page({
    title: 'Sorry, there is a problem',
    body: `<h1>Sorry, there is a problem</h1>
<p>The identity provider could not complete the request. Go back to ${esc(CLIENT_NAME)} and try again.</p>
<table><caption>Error details</caption><tbody>${details}</tbody></table>`,
  });
}

async function logoutSource(ctx, form) {
  const account = bySub.get(ctx.oidc.session.accountId);
  const who = account ? ` as ${esc(account.name)} (<code>${esc(account.username)}</code>)` : '';
  ctx.body = page({
    title: 'Sign out',
    body: `<h1>Do you want to sign out?</h1>
<p>You are signed in to the ${esc(SERVICE_NAME.toLowerCase())}${who}.</p>
${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
<button type="submit" form="op.logoutForm" class="secondary">No, stay signed in</button>`,
  });
}

async function postLogoutSuccessSource(ctx) {
  ctx.body = page({
    title: 'You have signed out',
    body: `<h1>You have signed out</h1>
<p>You have signed out of the ${esc(SERVICE_NAME.toLowerCase())}. You can close this page.</p>`,
  });
}

// The provider's own page for "end session without a signed-in user" is an
// auto-submitting form without lang/heading/landmarks. Replace it with an
// accessible page that does the same (the script only clicks "Continue").
function signingOutPage(action, xsrf) {
  return page({
    title: 'Signing out',
    body: `<h1>Signing out</h1>
<p>You are not signed in to the ${esc(SERVICE_NAME.toLowerCase())}.</p>
<form method="post" action="${esc(action)}">
<input type="hidden" name="xsrf" value="${esc(xsrf)}">
<input type="hidden" name="logout" value="yes">
<button type="submit">Continue</button>
</form>
<script>document.forms[0].submit()</script>`,
  });
}

// ---------------------------------------------------------------- provider --

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const SIGNING_KID = `devidp-${randomBytes(8).toString('hex')}`;
const signingJwk = { ...privateKey.export({ format: 'jwk' }), kid: SIGNING_KID, alg: 'RS256', use: 'sig' };

const configuration = {
  clients: [{
    client_id: CLIENT_ID,
    client_secret: CLIENT_SECRET,
    client_name: CLIENT_NAME,
    redirect_uris: REDIRECT_URIS,
    post_logout_redirect_uris: POST_LOGOUT_REDIRECT_URIS,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic', // client_secret_post is accepted too
    id_token_signed_response_alg: 'RS256',
  }],
  clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
  responseTypes: ['code'],
  pkce: { required: () => true }, // oidc-provider 9 supports S256 only
  jwks: { keys: [signingJwk] },
  cookies: {
    // Cookies on 127.0.0.1 are shared by every port: use names the portal will not.
    names: { session: 'devidp_session', interaction: 'devidp_interaction', resume: 'devidp_resume' },
    long: { httpOnly: true, sameSite: 'lax' },
    short: { httpOnly: true, sameSite: 'lax' },
    keys: [randomBytes(32).toString('base64url')],
  },
  scopes: ['openid', 'profile', 'email'],
  claims: {
    acr: null,
    auth_time: null,
    iss: null,
    sid: null,
    openid: ['sub'],
    profile: ['name', 'given_name', 'family_name', 'organisation', 'roles'],
    email: ['email'],
  },
  conformIdTokenClaims: false, // profile/email claims in the ID token, as Entra ID does
  findAccount,
  async loadExistingGrant(ctx) {
    // First-party client: no consent screen. Reuse or create the grant and
    // make sure it covers whatever this request asks for.
    const { oidc } = ctx;
    const grantId = oidc.result?.consent?.grantId || oidc.session.grantIdFor(oidc.client.clientId);
    let grant = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
    if (!grant) {
      grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
    }
    grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
    if (oidc.requestParamClaims.size) grant.addOIDCClaims([...oidc.requestParamClaims]);
    await grant.save();
    return grant;
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
    userinfo: { enabled: true },
    introspection: { enabled: false },
    revocation: { enabled: false },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  issueRefreshToken: async () => false,
  renderError,
  ttl: {
    AccessToken: 60 * 60,
    AuthorizationCode: 2 * 60,
    IdToken: 60 * 60,
    Interaction: 30 * 60,
    Session: 8 * 60 * 60,
    Grant: 8 * 60 * 60,
    RefreshToken: 60 * 60,
    ClientCredentials: 10 * 60,
    DeviceCode: 10 * 60,
    BackchannelAuthenticationRequest: 10 * 60,
    PreAuthorizedCode: 10 * 60,
  },
};

const provider = new Provider(ISSUER, configuration);
provider.on('server_error', (ctx, err) => console.error('devidp server_error:', err));

const END_SESSION_PATH = provider.pathFor('end_session');

function decodeJwtPart(token, index) {
  try {
    return JSON.parse(Buffer.from(String(token).split('.')[index], 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

async function readForm(req, limit = 16 * 1024) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) throw Object.assign(new Error('form too large'), { status: 413 });
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

// Sign-in pages and end-session tweaks, in front of the provider's own routes.
const INTERACTION_PATH = /^\/interaction\/([A-Za-z0-9_-]+)(?:\/(login|abort))?\/?$/;

provider.use(async (ctx, next) => {
  if (ctx.path === '/' && ctx.method === 'GET') {
    ctx.type = 'html';
    ctx.body = page({
      title: 'Development identity provider',
      body: `<h1>${esc(SERVICE_NAME)}</h1>
<p>An OpenID Provider for developing and testing ${esc(CLIENT_NAME)}. Never use it in production.</p>
<p>Discovery document: <a href="/.well-known/openid-configuration">/.well-known/openid-configuration</a></p>
<h2>Demo accounts</h2>
<p>Every demo account's password is <code>${esc(DEMO_PASSWORD)}</code>.</p>
${accountsTable()}`,
    });
    return;
  }

  if (ctx.path === END_SESSION_PATH) {
    // After a restart the signing key is new, so an id_token_hint from before it
    // cannot be checked. Fall back to its client_id (allowed by RP-Initiated
    // Logout) so the post_logout_redirect_uri, still checked against the
    // registered list, works instead of showing an error.
    const hint = ctx.query.id_token_hint;
    if (typeof hint === 'string') {
      const header = decodeJwtPart(hint, 0);
      const payload = decodeJwtPart(hint, 1);
      if (header && payload && header.kid !== SIGNING_KID && typeof payload.aud === 'string') {
        const query = new URLSearchParams(ctx.querystring);
        query.delete('id_token_hint');
        if (!query.has('client_id')) query.set('client_id', payload.aud);
        ctx.querystring = query.toString();
      }
    }
    await next();
    if (typeof ctx.body === 'string' && ctx.body.includes('<title>Submitting Callback</title>')) {
      ctx.body = signingOutPage(provider.pathFor('end_session_confirm'), ctx.oidc.session.state.secret);
    }
    return;
  }

  const match = INTERACTION_PATH.exec(ctx.path);
  if (!match) {
    await next();
    return;
  }

  const [, uid, action] = match;
  ctx.set('cache-control', 'no-store');
  let details;
  try {
    details = await provider.interactionDetails(ctx.req, ctx.res);
  } catch {
    details = undefined;
  }
  if (!details || details.uid !== uid) {
    problemPage('Your sign-in has expired',
      `Go back to ${CLIENT_NAME} and sign in again.`, 400, ctx);
    return;
  }

  const finish = async (result) => {
    const returnTo = await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
    ctx.redirect(returnTo);
    ctx.status = 303;
  };

  if (action === 'abort' && ctx.method === 'GET') {
    await finish({ error: 'access_denied', error_description: 'End-User aborted interaction' });
    return;
  }

  if (details.prompt.name !== 'login') {
    // Consent is normally satisfied by loadExistingGrant; complete it silently.
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
    const missing = details.prompt.details;
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    await finish({ consent: { grantId: await grant.save() } });
    return;
  }

  if (!action && ctx.method === 'GET') {
    ctx.type = 'html';
    ctx.body = loginPage({ uid, username: details.params.login_hint || '' });
    return;
  }

  if (action === 'login' && ctx.method === 'POST') {
    const form = await readForm(ctx.req);
    const username = (form.get('username') || '').trim();
    const password = form.get('password') || '';
    const errors = {};
    if (!username) errors.username = 'Enter a username';
    if (!password) errors.password = 'Enter a password';
    const account = byUsername.get(username.toLowerCase());
    if (username && password && (!account || password !== DEMO_PASSWORD)) {
      errors.username = 'The username or password is not right';
    }
    if (Object.keys(errors).length) {
      ctx.status = 200;
      ctx.type = 'html';
      ctx.body = loginPage({ uid, username, errors });
      return;
    }
    await finish({ login: { accountId: account.sub } });
    return;
  }

  ctx.status = 405;
  ctx.body = 'Method Not Allowed';
});

// ------------------------------------------------------------------ server --

const server = createServer(provider.callback());
server.listen(PORT, HOST, () => {
  process.stdout.write(`devidp listening on ${ISSUER}\n`);
});

let stopping = false;
function shutdown() {
  if (stopping) return;
  stopping = true;
  server.close(() => process.exit(0));
  server.closeAllConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);

// Smoke test for the development OpenID Provider (devidp/server.mjs).
// Run: node devidp/smoke-test.mjs   (from any working directory)
//
// Starts the server on a free port as a child process, drives real
// authorization-code + PKCE flows over HTTP with fetch and a small cookie jar,
// checks the ID token, the sign-in page's errors and RP-initiated logout, then
// stops the server. Exits non-zero if anything fails.

import { spawn } from 'node:child_process';
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const CLIENT_ID = 'early-help-portal';
const CLIENT_SECRET = 'demo-client-secret-not-for-production';
const REDIRECT_URI = 'http://127.0.0.1:8000/auth/callback';
const POST_LOGOUT_URI = 'http://127.0.0.1:8000/signed-out';

let passed = 0;
let failed = 0;
function check(name, ok, detail = '') {
  if (ok) {
    passed += 1;
    console.log(`ok - ${name}`);
  } else {
    failed += 1;
    console.log(`not ok - ${name}${detail ? `: ${detail}` : ''}`);
  }
  return ok;
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

// ------------------------------------------------------------ cookie jar --
class CookieJar {
  #cookies = new Map(); // name -> { value, path }

  store(response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      let path = '/';
      let expired = value === '';
      for (const attr of attrs) {
        const [k, v = ''] = attr.split('=');
        const key = k.trim().toLowerCase();
        if (key === 'path') path = v.trim() || '/';
        if (key === 'max-age' && Number(v) <= 0) expired = true;
        if (key === 'expires' && Date.parse(v) < Date.now()) expired = true;
      }
      const id = `${name}\u0000${path}`;
      if (expired) this.#cookies.delete(id);
      else this.#cookies.set(id, { name, value, path });
    }
  }

  header(url) {
    const { pathname } = new URL(url);
    return [...this.#cookies.values()]
      .filter((c) => pathname === c.path || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map((c) => `${c.name}=${c.value}`).join('; ');
  }
}

const jar = new CookieJar();

async function request(url, { method = 'GET', form, headers = {} } = {}) {
  const init = { method, redirect: 'manual', headers: { ...headers } };
  const cookie = jar.header(url);
  if (cookie) init.headers.cookie = cookie;
  if (form) {
    init.body = new URLSearchParams(form).toString();
    init.headers['content-type'] = 'application/x-www-form-urlencoded';
  }
  const response = await fetch(url, init);
  jar.store(response);
  const text = await response.text();
  return { status: response.status, location: response.headers.get('location'), text, headers: response.headers };
}

// Follow redirects within the IdP; stop at (and return) a redirect leaving it.
async function follow(issuer, url, options) {
  let res = await request(url, options);
  let current = url;
  for (let hops = 0; hops < 10 && res.status >= 300 && res.status < 400; hops += 1) {
    const next = new URL(res.location, current).href;
    if (!next.startsWith(`${issuer}/`)) return { ...res, location: next, url: current };
    current = next;
    res = await request(next);
  }
  return { ...res, url: current };
}

const b64url = (buf) => Buffer.from(buf).toString('base64url');

function pkce() {
  const verifier = b64url(randomBytes(32));
  const challenge = b64url(createHash('sha256').update(verifier).digest());
  return { verifier, challenge };
}

function authUrl(issuer, { challenge, state, nonce, scope = 'openid profile email' }) {
  const q = new URLSearchParams({
    client_id: CLIENT_ID,
    response_type: 'code',
    redirect_uri: REDIRECT_URI,
    scope,
    state,
    nonce,
    ...(challenge ? { code_challenge: challenge, code_challenge_method: 'S256' } : {}),
  });
  return `${issuer}/auth?${q}`;
}

function formAction(html) {
  const m = /<form[^>]*method="post"[^>]*action="([^"]+)"/i.exec(html);
  return m ? m[1].replace(/&amp;/g, '&') : undefined;
}

function decodeJwt(token) {
  const [h, p, s] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(h, 'base64url')),
    payload: JSON.parse(Buffer.from(p, 'base64url')),
    signingInput: `${h}.${p}`,
    signature: Buffer.from(s, 'base64url'),
  };
}

async function main() {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const started = Date.now();
  const child = spawn(process.execPath, [join(HERE, 'server.mjs')], {
    env: { ...process.env, IDP_HOST: '127.0.0.1', IDP_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const exited = new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit({ code, signal })));

  try {
    await new Promise((resolveReady, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`server did not start in 20s\n${stderr}`)), 20000);
      child.stdout.on('data', (d) => {
        out += d;
        if (out.includes(`devidp listening on ${issuer}\n`)) {
          clearTimeout(timer);
          resolveReady();
        }
      });
      child.once('exit', () => reject(new Error(`server exited early\n${stderr}`)));
    });
    console.log(`# server ready in ${Date.now() - started} ms at ${issuer}`);

    // ---- discovery + JWKS
    const discovery = JSON.parse((await request(`${issuer}/.well-known/openid-configuration`)).text);
    check('discovery issuer', discovery.issuer === issuer, discovery.issuer);
    check('discovery end_session_endpoint', discovery.end_session_endpoint === `${issuer}/session/end`);
    check('discovery PKCE S256 only', JSON.stringify(discovery.code_challenge_methods_supported) === '["S256"]');
    const jwks = JSON.parse((await request(discovery.jwks_uri)).text);
    check('JWKS has one RSA public key', jwks.keys.length === 1 && jwks.keys[0].kty === 'RSA' && !('d' in jwks.keys[0]));

    // ---- PKCE is required
    const noPkce = await follow(issuer, authUrl(issuer, { state: 's0', nonce: 'n0' }));
    const noPkceParams = noPkce.location ? new URL(noPkce.location).searchParams : new URLSearchParams();
    check('request without PKCE is rejected', noPkceParams.get('error') === 'invalid_request', noPkce.location);

    // ---- sign-in page
    const p1 = pkce();
    const state1 = b64url(randomBytes(12));
    const nonce1 = b64url(randomBytes(12));
    const login = await follow(issuer, authUrl(issuer, { challenge: p1.challenge, state: state1, nonce: nonce1 }));
    check('authorization request lands on interaction page', login.status === 200 && /\/interaction\/[\w-]+$/.test(login.url), `${login.status} ${login.url}`);
    const html = login.text;
    const action = formAction(html);
    check('login page: lang, title, main, one h1', html.includes('<html lang="en">') && /<title>[^<]+<\/title>/.test(html)
      && html.includes('<main') && (html.match(/<h1[\s>]/g) || []).length === 1);
    check('login page: labelled inputs with autocomplete', html.includes('<label for="username">') && html.includes('<label for="password">')
      && html.includes('autocomplete="username"') && html.includes('autocomplete="current-password"'));
    check('login page: password hint', html.includes("every demo account's password is <code>demo-password</code>"));
    check('login page: accounts table', html.includes('<table>') && html.includes('derbyshire.senior') && html.includes('Derby.SpaClerk'));
    check('login page: no script', !/<script/i.test(html));
    check('login form posts to /interaction/<uid>/login', /^\/interaction\/[\w-]+\/login$/.test(action || ''), action);

    // ---- validation errors
    const empty = await request(new URL(action, issuer).href, { method: 'POST', form: { username: '', password: '' } });
    check('empty form: "Enter a username"', empty.status === 200 && empty.text.includes('Enter a username') && empty.text.includes('There is a problem'));
    const wrong = await request(new URL(action, issuer).href, { method: 'POST', form: { username: 'derby.school', password: 'nope' } });
    check('wrong password: error shown', wrong.status === 200 && wrong.text.includes('The username or password is not right'));
    check('wrong password: username kept', wrong.text.includes('value="derby.school"'));
    check('wrong password: title starts with Error:', /<title>Error: /.test(wrong.text));
    const unknown = await request(new URL(action, issuer).href, { method: 'POST', form: { username: 'nobody"<x>', password: 'demo-password' } });
    check('unknown user: same error, input escaped', unknown.text.includes('The username or password is not right')
      && unknown.text.includes('value="nobody&quot;&lt;x&gt;"') && !unknown.text.includes('nobody"<x>'));

    // ---- successful sign-in
    const signedIn = await follow(issuer, new URL(action, issuer).href, { method: 'POST', form: { username: 'derby.school', password: 'demo-password' } });
    const cb = signedIn.location ? new URL(signedIn.location) : undefined;
    check('redirected to the redirect URI with a code', cb && `${cb.origin}${cb.pathname}` === REDIRECT_URI && !!cb.searchParams.get('code'), signedIn.location || `${signedIn.status} ${signedIn.text.slice(0, 300)}`);
    if (!cb) throw new Error('no callback; cannot continue');
    check('callback state echoed', cb.searchParams.get('state') === state1);
    check('callback iss parameter', cb.searchParams.get('iss') === issuer);

    // ---- token exchange (client_secret_basic)
    const basic = `Basic ${Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(CLIENT_SECRET)}`).toString('base64')}`;
    const tokenRes = await fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: cb.searchParams.get('code'), redirect_uri: REDIRECT_URI, code_verifier: p1.verifier }),
    });
    const tokens = await tokenRes.json();
    check('token endpoint 200 (client_secret_basic)', tokenRes.status === 200 && !!tokens.id_token, JSON.stringify(tokens));
    check('no refresh token', !('refresh_token' in tokens));
    const idt = decodeJwt(tokens.id_token);
    const jwk = jwks.keys.find((k) => k.kid === idt.header.kid);
    check('ID token RS256 with JWKS kid', idt.header.alg === 'RS256' && !!jwk);
    check('ID token signature verifies', !!jwk && verify('RSA-SHA256', Buffer.from(idt.signingInput), createPublicKey({ key: jwk, format: 'jwk' }), idt.signature));
    const c = idt.payload;
    check('ID token iss/aud/nonce/sub', c.iss === issuer && c.aud === CLIENT_ID && c.nonce === nonce1 && c.sub === 'demo-0001', JSON.stringify(c));
    check('ID token profile claims', c.name === 'Hannah Ashworth' && c.given_name === 'Hannah' && c.family_name === 'Ashworth'
      && typeof c.organisation === 'string' && c.organisation.length > 0, JSON.stringify(c));
    check('ID token email', c.email === 'hannah.ashworth@oakfield-lane-primary.example', c.email);
    check('ID token roles array', Array.isArray(c.roles) && JSON.stringify(c.roles) === '["Derby.Practitioner"]', JSON.stringify(c.roles));
    check('ID token exp in future', c.exp > Date.now() / 1000);
    console.log(`# ID token claims: ${JSON.stringify(c)}`);

    const userinfoRes = await fetch(discovery.userinfo_endpoint, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    const userinfo = await userinfoRes.json();
    check('userinfo returns roles', userinfoRes.status === 200 && JSON.stringify(userinfo.roles) === '["Derby.Practitioner"]', JSON.stringify(userinfo));

    const reuse = await fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: cb.searchParams.get('code'), redirect_uri: REDIRECT_URI, code_verifier: p1.verifier }),
    });
    check('code cannot be reused', reuse.status === 400); // (and reuse revokes its tokens)

    // ---- second request in the same browser: single sign-on, client_secret_post, wrong verifier
    const p2 = pkce();
    const sso = await follow(issuer, authUrl(issuer, { challenge: p2.challenge, state: 's2', nonce: 'n2' }));
    const cb2 = sso.location ? new URL(sso.location) : undefined;
    check('second request signs in silently (SSO)', !!cb2?.searchParams.get('code'), sso.location || sso.url);
    const bad = await fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: cb2?.searchParams.get('code') ?? '', redirect_uri: REDIRECT_URI, code_verifier: p1.verifier, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
    });
    check('wrong code_verifier is rejected', bad.status === 400);
    const p3 = pkce();
    const sso3 = await follow(issuer, authUrl(issuer, { challenge: p3.challenge, state: 's3', nonce: 'n3' }));
    const cb3 = new URL(sso3.location);
    const postRes = await fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: cb3.searchParams.get('code'), redirect_uri: REDIRECT_URI, code_verifier: p3.verifier, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
    });
    const tokens3 = await postRes.json();
    check('token endpoint 200 (client_secret_post)', postRes.status === 200 && decodeJwt(tokens3.id_token).payload.nonce === 'n3', JSON.stringify(tokens3));

    // ---- RP-initiated logout
    const logoutState = b64url(randomBytes(8));
    const endUrl = `${discovery.end_session_endpoint}?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: POST_LOGOUT_URI, state: logoutState })}`;
    const confirmPage = await follow(issuer, endUrl);
    const logoutAction = formAction(confirmPage.text);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirmPage.text)?.[1];
    check('logout confirmation page', confirmPage.status === 200 && confirmPage.text.includes('<html lang="en">')
      && confirmPage.text.includes('Yes, sign me out') && logoutAction === `${issuer}/session/end/confirm` && !!xsrf, `${confirmPage.status} ${confirmPage.text.slice(0, 400)}`);
    const loggedOut = await follow(issuer, new URL(logoutAction, issuer).href, { method: 'POST', form: { xsrf, logout: 'yes' } });
    const lo = loggedOut.location ? new URL(loggedOut.location) : undefined;
    check('logout redirects to post_logout_redirect_uri with state', lo && `${lo.origin}${lo.pathname}` === POST_LOGOUT_URI && lo.searchParams.get('state') === logoutState, loggedOut.location);

    const again = await follow(issuer, authUrl(issuer, { challenge: pkce().challenge, state: 's4', nonce: 'n4' }));
    check('after logout, sign-in is asked for again', again.status === 200 && /\/interaction\/[\w-]+$/.test(again.url), again.url);

    // ---- logout with no IdP session and a hint signed by an earlier (restarted) server
    const [, payloadPart] = tokens.id_token.split('.');
    const staleHint = `${b64url(JSON.stringify({ alg: 'RS256', kid: 'from-an-earlier-start' }))}.${payloadPart}.${b64url(randomBytes(256))}`;
    const endUrl2 = `${discovery.end_session_endpoint}?${new URLSearchParams({ id_token_hint: staleHint, post_logout_redirect_uri: POST_LOGOUT_URI, state: 'st5' })}`;
    const noSession = await follow(issuer, endUrl2);
    const action2 = formAction(noSession.text);
    const xsrf2 = /name="xsrf" value="([^"]+)"/.exec(noSession.text)?.[1];
    check('logout without IdP session: accessible continue page', noSession.status === 200 && noSession.text.includes('<html lang="en">')
      && noSession.text.includes('<h1>Signing out</h1>') && !!xsrf2, `${noSession.status} ${noSession.text.slice(0, 400)}`);
    const lo2res = await follow(issuer, new URL(action2 || '/session/end/confirm', issuer).href, { method: 'POST', form: { xsrf: xsrf2 ?? '', logout: 'yes' } });
    const lo2 = lo2res.location ? new URL(lo2res.location) : undefined;
    check('stale id_token_hint still reaches post_logout_redirect_uri', lo2 && `${lo2.origin}${lo2.pathname}` === POST_LOGOUT_URI && lo2.searchParams.get('state') === 'st5', lo2res.location);

    const unregistered = await follow(issuer, `${discovery.end_session_endpoint}?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: 'http://evil.example/' })}`, { headers: { accept: 'text/html' } });
    check('unregistered post_logout_redirect_uri is refused', unregistered.status === 400 && unregistered.text.includes('<html lang="en">'), `${unregistered.status}`);

    // ---- an account with no portal role still signs in, with roles: []
    const p5 = pkce();
    const start5 = await follow(issuer, authUrl(issuer, { challenge: p5.challenge, state: 's5', nonce: 'n5', scope: 'openid profile email' }));
    const signed5 = await follow(issuer, new URL(formAction(start5.text), issuer).href, { method: 'POST', form: { username: 'No.Roles', password: 'demo-password' } });
    const cb5 = new URL(signed5.location);
    const res5 = await fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: cb5.searchParams.get('code'), redirect_uri: REDIRECT_URI, code_verifier: p5.verifier }),
    });
    const c5 = decodeJwt((await res5.json()).id_token).payload;
    check('no.roles: sub demo-0013 and roles []', c5.sub === 'demo-0013' && JSON.stringify(c5.roles) === '[]', JSON.stringify(c5));

    // ---- scope openid only: no profile claims
    const p6 = pkce();
    const sso6 = await follow(issuer, authUrl(issuer, { challenge: p6.challenge, state: 's6', nonce: 'n6', scope: 'openid' }));
    const cb6 = new URL(sso6.location);
    const res6 = await fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: cb6.searchParams.get('code'), redirect_uri: REDIRECT_URI, code_verifier: p6.verifier }),
    });
    const c6 = decodeJwt((await res6.json()).id_token).payload;
    check('scope openid only: sub but no profile/email claims', c6.sub === 'demo-0013' && !('name' in c6) && !('roles' in c6) && !('email' in c6), JSON.stringify(c6));
  } catch (err) {
    check('smoke test ran to the end', false, err.stack);
  } finally {
    child.kill('SIGTERM');
    const { code, signal } = await exited;
    check('server stops cleanly on SIGTERM', code === 0, `code ${code} signal ${signal}`);
  }

  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

await main();

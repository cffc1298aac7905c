// Three local OAuth providers speaking the real protocols (oauth2-mock-server): OIDC ones
// standing in for Google and Microsoft (discovery, JWKS, RS256 id_tokens, PKCE, single-use
// codes) and a GitHub-shaped one (GitHub's paths and a `/user` API). The signed-in person is
// chosen per login with `login_hint`; without one it is the provider's default person
// (alice@example.com unless given).
//
// Usage: node oauth-idp.mjs <googlePort> <microsoftPort> <githubPort> ['<provider>=<Name> <email>' ...]
//   e.g. 'google=Ada Lovelace <ada@example.com>' makes Ada the default person at Google.
// Prints one JSON line {"google": url, "microsoft": url, "github": url} when all listen.

import { OAuth2Server, Events } from 'oauth2-mock-server';

const [googlePort, microsoftPort, githubPort] = process.argv.slice(2, 5).map(Number);

/** Each provider's default person, from the optional `provider=Name <email>` arguments. */
const defaults = Object.fromEntries(
  process.argv.slice(5).map((arg) => {
    const match = arg.match(/^(\w+)=(.+?)\s*<([^>]+)>$/);
    if (!match) throw new Error(`expected provider=Name <email>, got ${arg}`);
    return [match[1], { name: match[2], email: match[3] }];
  }),
);

/** Who logs in at `provider`: the login_hint of the last /authorize, else its default person. */
function person(provider, hint) {
  if (!hint && defaults[provider]) {
    const { name, email } = defaults[provider];
    return { email, name, sub: `sub-${email}` };
  }
  const email = hint || 'alice@example.com';
  const name = email.split('@')[0].replace(/^./, (c) => c.toUpperCase());
  return { email, name, sub: `sub-${email}` };
}

async function oidc(port, label) {
  const server = new OAuth2Server();
  await server.issuer.keys.generate('RS256');
  server.issuer.url = `http://127.0.0.1:${port}`;
  let hint = '';
  server.service.on(Events.BeforeAuthorizeRedirect, (_redirect, req) => {
    hint = new URL(req.url, server.issuer.url).searchParams.get('login_hint') ?? '';
  });
  server.service.on(Events.BeforeTokenSigning, (token) => {
    const who = person(label, hint);
    Object.assign(token.payload, { sub: `${label}|${who.sub}`, email: who.email, name: who.name });
  });
  await server.start(port, '127.0.0.1');
  return server.issuer.url;
}

async function github(port) {
  const server = new OAuth2Server(undefined, undefined, {
    endpoints: { authorize: '/login/oauth/authorize', token: '/login/oauth/access_token' },
  });
  await server.issuer.keys.generate('RS256');
  server.issuer.url = `http://127.0.0.1:${port}`;
  let hint = '';
  server.service.on(Events.BeforeAuthorizeRedirect, (_redirect, req) => {
    hint = new URL(req.url, server.issuer.url).searchParams.get('login_hint') ?? '';
  });
  server.service.addRoute('GET', '/user', (req, res) => {
    res.setHeader('content-type', 'application/json');
    if (!String(req.headers.authorization ?? '').startsWith('Bearer ')) {
      res.statusCode = 401;
      res.end(JSON.stringify({ message: 'Requires authentication' }));
      return;
    }
    const who = person('github', hint);
    res.end(JSON.stringify({ id: 4242, login: who.name.toLowerCase(), name: who.name, email: who.email, avatar_url: 'https://avatars.githubusercontent.com/u/4242?v=4' }));
  });
  await server.start(port, '127.0.0.1');
  return server.issuer.url;
}

const urls = {
  google: await oidc(googlePort, 'google'),
  microsoft: await oidc(microsoftPort, 'microsoft'),
  github: await github(githubPort),
};
console.log(JSON.stringify(urls));

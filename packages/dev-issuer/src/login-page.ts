/**
 * The development login page: a plain HTML form with an Approve and a Deny button, no script, so a
 * person clicks through it in a browser and a test completes it with two `fetch` calls (read the
 * form's `action`, POST `decision=approve`).
 *
 * @module
 */
import { escapeHtml } from './html.js';

/** What the page shows. */
export interface LoginPageContent {
  /** Where the form posts. */
  action: string;
  /** `login` when the user signs in, `consent` when a signed-in user authorizes another client. */
  prompt: string;
  clientId: string;
  clientName: string | undefined;
  user: { id: string; name?: string; email?: string };
  scopes: string[];
  resources: string[];
}

/** Renders the login (or consent) page for one authorization request. */
export function renderLoginPage(content: LoginPageContent): string {
  const client = content.clientName
    ? `${escapeHtml(content.clientName)} <small>(${escapeHtml(content.clientId)})</small>`
    : escapeHtml(content.clientId);
  const user = content.user;
  const who = [
    `<strong>${escapeHtml(user.name ?? user.id)}</strong>`,
    user.email ? ` &lt;${escapeHtml(user.email)}&gt;` : '',
    user.name ? ` <small>(subject ${escapeHtml(user.id)})</small>` : '',
  ].join('');
  const list = (items: string[], empty: string) =>
    items.length === 0
      ? `<p><em>${empty}</em></p>`
      : `<ul>${items.map((item) => `<li><code>${escapeHtml(item)}</code></li>`).join('')}</ul>`;
  const heading = content.prompt === 'login' ? 'Sign in' : 'Authorize';

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${heading}: mcp-warden development issuer</title>
<style>
body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1f2328}
.banner{background:#fff3cd;border:1px solid #e0c36c;padding:.5rem .75rem;border-radius:4px}
button{font-size:1rem;padding:.5rem 1.25rem;margin-right:.5rem;cursor:pointer}
</style>
</head>
<body>
<p class="banner">Development issuer: <strong>not for production</strong>. Anyone who can reach it can sign in.</p>
<h1>${heading}</h1>
<p>${client} asks to act as ${who}.</p>
<h2>Scopes</h2>
${list(content.scopes, 'none requested')}
<h2>Resource</h2>
${list(content.resources, 'the default resource')}
<form method="post" action="${escapeHtml(content.action)}">
<button type="submit" name="decision" value="approve" autofocus>Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>
</body>
</html>
`;
}

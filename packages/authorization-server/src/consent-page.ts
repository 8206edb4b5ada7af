/**
 * The consent page (MCP security best practices, "Confused deputy problem"): this server signs
 * users in with one static upstream app on behalf of many clients that registered themselves, so
 * before any code goes to a client the user sees which client asks, and where the code will be
 * sent, and approves it. Plain HTML, no script.
 *
 * @module
 */
import { escapeHtml } from '@mcp-warden/dev-issuer';

/** What the page shows. */
export interface ConsentPageContent {
  action: string;
  /** The anti-forgery token the form posts back. */
  csrf: string;
  clientId: string;
  clientName: string | undefined;
  redirectUri: string;
  user: { login?: string | undefined; email?: string | undefined; name?: string | undefined; provider: string };
  scopes: string[];
  resources: string[];
}

/** Renders the consent page of one authorization request. */
export function renderConsentPage(content: ConsentPageContent): string {
  const list = (items: string[], empty: string) =>
    items.length === 0
      ? `<p><em>${empty}</em></p>`
      : `<ul>${items.map((item) => `<li><code>${escapeHtml(item)}</code></li>`).join('')}</ul>`;
  const client = content.clientName ? escapeHtml(content.clientName) : '<em>an unnamed client</em>';
  const who = escapeHtml(content.user.login ?? content.user.email ?? content.user.name ?? 'you');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Authorize ${content.clientName ? escapeHtml(content.clientName) : 'client'}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1f2328}
.where{background:#f6f8fa;border:1px solid #d0d7de;padding:.5rem .75rem;border-radius:4px;word-break:break-all}
button{font-size:1rem;padding:.5rem 1.25rem;margin-right:.5rem;cursor:pointer}
</style>
</head>
<body>
<h1>Authorize ${client}?</h1>
<p>Signed in as <strong>${who}</strong> (${escapeHtml(content.user.provider)}).</p>
<p>The client <strong>${client}</strong> <small>(client ID <code>${escapeHtml(content.clientId)}</code>)</small>
asks to use this MCP server as you. It registered itself: approve only if you started this from a client you trust.</p>
<p>If you approve, you will be sent to:</p>
<p class="where"><code id="redirect-uri">${escapeHtml(content.redirectUri)}</code></p>
<h2>Scopes</h2>
${list(content.scopes, 'none requested')}
<h2>Resource</h2>
${list(content.resources, 'the default resource')}
<form method="post" action="${escapeHtml(content.action)}">
<input type="hidden" name="csrf" value="${escapeHtml(content.csrf)}">
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny" autofocus>Deny</button>
</form>
</body>
</html>
`;
}

/**
 * The user-facing step of the authorization code flow: oidc-provider hands the browser to
 * `/interaction/<uid>`, this module shows the login page (or approves at once with `autoApprove`),
 * then reports the user's decision back so oidc-provider can finish the request.
 *
 * One page covers both sign-in and consent: approving on it signs the development user in and
 * authorizes the client for the requested scopes, so the consent step that oidc-provider asks for
 * right after a sign-in is completed without showing the page a second time.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import { saveRequestedGrant } from './consent-grant.js';
import { BadRequestBody, readFormBody, sendHtml, sendJsonError } from './http-response.js';
import { log } from './logger.js';
import { renderLoginPage } from './login-page.js';
import type { ResolvedDevIssuerOptions } from './options.js';

type InteractionDetails = Awaited<ReturnType<Provider['interactionDetails']>>;

const INTERACTION_PATH = /^\/interaction\/([A-Za-z0-9_-]+)(\/confirm)?$/;

/** Whether `pathname` belongs to the login page routes. */
export function isInteractionPath(pathname: string): boolean {
  return pathname.startsWith('/interaction/');
}

/** Records the consent: every scope and resource the request asked for and the user approved. */
async function grantRequested(provider: Provider, details: InteractionDetails): Promise<string | undefined> {
  const accountId = details.session?.accountId;
  if (!accountId) return undefined;
  const grantId = await saveRequestedGrant(provider, details, accountId, String(details.params.client_id));
  return details.grantId ? undefined : grantId;
}

/** Tells oidc-provider the user approved: signed in (login prompt) or authorized (consent prompt). */
async function approve(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  details: InteractionDetails,
  options: ResolvedDevIssuerOptions,
): Promise<void> {
  if (details.prompt.name === 'login') {
    await provider.interactionFinished(req, res, { login: { accountId: options.user.id } });
    return;
  }
  const grantId = await grantRequested(provider, details);
  await provider.interactionFinished(
    req,
    res,
    { consent: grantId ? { grantId } : {} },
    { mergeWithLastSubmission: true },
  );
}

function scopesOf(details: InteractionDetails): string[] {
  const scope = details.params.scope;
  return typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];
}

function resourcesOf(details: InteractionDetails): string[] {
  const resource = details.params.resource;
  if (typeof resource === 'string') return [resource];
  return Array.isArray(resource) ? resource.map(String) : [];
}

/**
 * Serves `GET /interaction/<uid>` (the page) and `POST /interaction/<uid>/confirm` (the decision).
 * Any failure is a JSON 400/404/405, never a stack trace.
 */
export async function handleInteraction(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
  options: ResolvedDevIssuerOptions,
): Promise<void> {
  const match = INTERACTION_PATH.exec(pathname);
  if (!match) {
    sendJsonError(res, 404, 'not_found', 'no such page');
    return;
  }
  const [, uid, confirm] = match;
  const expectedMethod = confirm ? 'POST' : 'GET';
  if (req.method !== expectedMethod) {
    sendJsonError(res, 405, 'invalid_request', `use ${expectedMethod} here`, { allow: expectedMethod });
    return;
  }

  let details: InteractionDetails;
  try {
    details = await provider.interactionDetails(req, res);
  } catch {
    sendJsonError(
      res,
      400,
      'invalid_request',
      'this sign-in request has expired or was started in another browser; start the authorization again',
    );
    return;
  }
  // The interaction cookie decides which request is being answered; a page for another one must
  // not be able to approve it.
  if (details.uid !== uid) {
    sendJsonError(res, 400, 'invalid_request', 'this sign-in page does not belong to the current request');
    return;
  }

  const clientId = String(details.params.client_id);
  // Approving on the page signs in and consents at once (see the module comment).
  const justSignedIn = details.prompt.name === 'consent' && details.lastSubmission?.login !== undefined;

  if (!confirm) {
    if (options.autoApprove || justSignedIn) {
      log(options.logger, 'debug', { clientId, prompt: details.prompt.name }, 'authorization approved without a page');
      await approve(provider, req, res, details, options);
      return;
    }
    const client = await provider.Client.find(clientId);
    sendHtml(
      res,
      renderLoginPage({
        action: `/interaction/${uid}/confirm`,
        prompt: details.prompt.name,
        clientId,
        clientName: typeof client?.clientName === 'string' ? client.clientName : undefined,
        user: options.user,
        scopes: scopesOf(details),
        resources: resourcesOf(details),
      }),
    );
    return;
  }

  let form: URLSearchParams;
  try {
    form = await readFormBody(req);
  } catch (error) {
    const description = error instanceof BadRequestBody ? error.message : 'the form could not be read';
    sendJsonError(res, 400, 'invalid_request', description);
    return;
  }
  const decision = form.get('decision');
  if (decision === 'approve') {
    log(options.logger, 'info', { clientId, userId: options.user.id }, 'authorization approved at the login page');
    await approve(provider, req, res, details, options);
  } else if (decision === 'deny') {
    log(options.logger, 'info', { clientId }, 'authorization denied at the login page');
    await provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: 'the user denied the authorization request' },
      { mergeWithLastSubmission: false },
    );
  } else {
    sendJsonError(res, 400, 'invalid_request', 'decision must be "approve" or "deny"');
  }
}

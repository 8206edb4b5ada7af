import type { AuthError } from '@mcp-warden/core';
import type { Response } from 'express';

/** Answers an {@link AuthError} through Express's own reply path. */
export function sendAuthError(res: Response, error: AuthError): void {
  res.status(error.status).json(error.toJSON());
}

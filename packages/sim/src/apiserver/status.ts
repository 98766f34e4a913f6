// Errors as the apiserver returns them: a v1 Status with code, reason and a message in upstream wording.
import type { ServerResponse } from 'node:http';

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function statusBody(code: number, reason: string, message: string, details?: Record<string, unknown>): Record<string, unknown> {
  const s: Record<string, unknown> = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason };
  if (details) s.details = details;
  s.code = code;
  return s;
}

export function sendStatus(res: ServerResponse, e: ApiError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(statusBody(e.code, e.reason, e.message, e.details));
  res.writeHead(e.code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...e.headers });
  res.end(body);
}

export const notFound = (plural: string, name: string, group = ''): ApiError =>
  new ApiError(404, 'NotFound', `${plural}${group ? '.' + group : ''} "${name}" not found`, { name, ...(group ? { group } : {}), kind: plural });

export const badRequest = (message: string): ApiError => new ApiError(400, 'BadRequest', message);

export const methodNotAllowed = (method: string): ApiError => new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${method})`);

export const unauthorized = (): ApiError => new ApiError(401, 'Unauthorized', 'Unauthorized');

export const forbidden = (user: string, verb: string, plural: string, group: string, namespace: string | undefined): ApiError =>
  new ApiError(403, 'Forbidden', `${plural}${group ? '.' + group : ''} is forbidden: User "${user}" cannot ${verb} resource "${plural}" in API group "${group}"${namespace ? ` in the namespace "${namespace}"` : ' at the cluster scope'}`, { kind: plural, ...(group ? { group } : {}) });

export const expiredContinue = (): ApiError =>
  new ApiError(410, 'Expired', 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.');

export const tooManyRequests = (retryAfterSeconds: number): ApiError =>
  new ApiError(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds }, { 'Retry-After': String(retryAfterSeconds) });

export const internalError = (message = 'an error on the server ("simulated fault") has prevented the request from succeeding'): ApiError =>
  new ApiError(500, 'InternalError', message, { causes: [{ reason: 'UnexpectedServerResponse', message: 'simulated fault' }] });

export const serviceUnavailable = (message = 'the server is currently unable to handle the request'): ApiError =>
  new ApiError(503, 'ServiceUnavailable', message, {}, { 'Retry-After': '1' });

export const conflict = (plural: string, name: string): ApiError =>
  new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${plural} "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name, kind: plural });

import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'convirt_token';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieToken(req: IncomingMessage): string | null {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === TOKEN_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return null;
}

/** Which credential a request carries, if any: query, bearer header or cookie. */
export function presentedToken(req: IncomingMessage, url: URL): { token: string; via: 'query' | 'header' | 'cookie' } | null {
  const query = url.searchParams.get('token');
  if (query) return { token: query, via: 'query' };
  const header = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
  if (header?.[1]) return { token: header[1], via: 'header' };
  const cookie = cookieToken(req);
  return cookie ? { token: cookie, via: 'cookie' } : null;
}

export function isAuthorized(req: IncomingMessage, url: URL, expected: string): { ok: boolean; via?: 'query' | 'header' | 'cookie' } {
  const presented = presentedToken(req, url);
  if (!presented || !sameToken(presented.token, expected)) return { ok: false };
  return { ok: true, via: presented.via };
}

/**
 * Guards against DNS rebinding: on loopback the Host header must name the
 * address we listen on; a cross-site Origin is always refused.
 */
export function hostAllowed(req: IncomingMessage, allowedHosts: ReadonlySet<string> | 'any'): boolean {
  const host = req.headers.host?.toLowerCase();
  if (!host) return false;
  if (allowedHosts !== 'any' && !allowedHosts.has(host)) return false;
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  try {
    // Same-origin only: the page must have been served by this bridge.
    return new URL(origin).host.toLowerCase() === host;
  } catch {
    return false;
  }
}

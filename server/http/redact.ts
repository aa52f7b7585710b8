// One-time links carry their secret in the path; whoever reads the logs must not be able to use them.
// Express matches routes case-insensitively, so the pattern does too; doubled slashes (a mistyped
// link that 404s) still carry a real token.
const SECRET_PATH = /^(\/+(?:signin|setup|password-reset|verify)\/+)[^/?]+/i;
// Query parameters whose names say they hold a secret (token, resetToken, api_key, password...).
const SECRET_PARAM = /token|key|password|secret/i;
const REDACTED = '[redacted]';
const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?]*/i;

/** The path with a one-time link's token replaced (also when spelled with %-escapes), or the same string. */
function redactPath(path: string): string {
  const redacted = path.replace(SECRET_PATH, `$1${REDACTED}`);
  if (redacted !== path || !path.includes('%')) return redacted;
  const plain = decoded(path);
  return SECRET_PATH.test(plain) ? plain.replace(SECRET_PATH, `$1${REDACTED}`) : path;
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** One query pair: the value goes when the name says secret or the value is a one-time link (next=/signin/…, a full URL too). */
function redactPair(pair: string): string {
  const eq = pair.indexOf('=');
  if (eq < 0) return pair;
  const name = pair.slice(0, eq);
  const path = decoded(pair.slice(eq + 1)).replace(ORIGIN, '');
  return SECRET_PARAM.test(decoded(name)) || redactPath(path) !== path ? `${name}=${REDACTED}` : pair;
}

/**
 * A request URL fit for a log line: the secret of a one-time link (/signin/:token, /setup/:token,
 * /password-reset/:token, /verify/:token) and secret-named query values become "[redacted]".
 * Every log line that names a URL goes through here.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  const path = redactPath(q < 0 ? url : url.slice(0, q));
  if (q < 0) return path;
  return `${path}?${url
    .slice(q + 1)
    .split('&')
    .map(redactPair)
    .join('&')}`;
}

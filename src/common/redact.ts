/**
 * Credential redaction for text that leaves the worker: failure messages (and so workflow
 * histories and CLI output) and log lines. A service or proxy that echoes the signed request in
 * its error message must not turn the worker's credentials into history.
 *
 * One table of patterns, each replacing only the secret part and keeping the key name, so that a
 * redacted message still says what was there. Pure: no I/O, no state.
 */

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

/** A key name, optionally quoted (also as `\"` inside JSON text), then `:` or `=`, then an optional opening quote. */
const assigned = (keyNames: string) => String.raw`((?:${keyNames})(?:\\?["'])?\s*[:=]\s*(?:\\?["'])?)`;

/**
 * Each row: what it catches, and a pattern whose first group (when there is one) is kept. Values stop
 * at a quote, a backslash or a line end, so a redaction inside JSON text keeps the JSON valid.
 */
const CREDENTIAL_PATTERNS: ReadonlyArray<{ what: string; pattern: RegExp }> = [
  // A whole header value: `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`.
  {
    what: 'Authorization header',
    pattern: new RegExp(`${assigned('(?:proxy-)?authorization')}[^"'\\\\\\r\\n]+`, 'gi'),
  },
  // A session token, as a header, a query parameter (presigned URLs) or a named field.
  {
    what: 'session token',
    pattern: new RegExp(
      `${assigned('x-amz-security-token|(?:aws[_-]?)?session[_-]?token|security[_-]?token')}[^\\s"'\\\\&,;]+`,
      'gi',
    ),
  },
  // A secret access key (or any other secret) named as such.
  {
    what: 'secret key',
    pattern: new RegExp(
      `${assigned('(?:aws[_-]?)?secret(?:[_-]?access)?[_-]?key|secret|password|x-api-key|api[_-]?key')}[^\\s"'\\\\&,;]+`,
      'gi',
    ),
  },
  // SigV4 parts, wherever they appear: `Credential=AKIA.../20260101/us-east-1/mediaconnect/aws4_request`, `Signature=<hex>`.
  { what: 'SigV4 credential scope', pattern: new RegExp(`${assigned('(?:x-amz-)?credential')}[^\\s"'\\\\&,;]+`, 'gi') },
  { what: 'SigV4 signature', pattern: new RegExp(`${assigned('(?:x-amz-)?signature')}[^\\s"'\\\\&,;]+`, 'gi') },
  // An access key id on its own (AKIA long-term, ASIA temporary), wherever it appears.
  { what: 'access key id', pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g },
  // A bare 40-character secret-access-key-looking string right after a key name: `aws_secret_access_key wJalr...`.
  { what: 'secret-key-like string', pattern: /((?:secret|key)["']?\s+)[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+])/gi },
];

/**
 * `text` with everything that looks like an AWS credential replaced by `[REDACTED]`: access key ids,
 * session tokens, Authorization / X-Amz-Security-Token values, SigV4 `Credential=` and `Signature=`,
 * and secret keys named as such. Everything else, including the service's own wording, is kept.
 */
export function redactCredentials(text: string): string {
  let redacted = text;
  for (const { pattern } of CREDENTIAL_PATTERNS) {
    redacted = redacted.replace(
      pattern,
      (_match, kept?: unknown) => `${typeof kept === 'string' ? kept : ''}${REDACTED}`,
    );
  }
  return redacted;
}

/**
 * `value` with `redactCredentials` applied to every string in it, through arrays and plain objects
 * (log metadata). An Error becomes `{ name, message }`, redacted; other values are kept as they are.
 */
export function redactCredentialsDeep(value: unknown): unknown {
  if (typeof value === 'string') return redactCredentials(value);
  if (value instanceof Error) return { name: value.name, message: redactCredentials(value.message) };
  if (Array.isArray(value)) return value.map(redactCredentialsDeep);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, redactCredentialsDeep(inner)]));
  }
  return value;
}

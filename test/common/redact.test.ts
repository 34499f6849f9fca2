import { REDACTED, redactCredentials, redactCredentialsDeep } from '../../src/common/redact';

const ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const TEMPORARY_KEY_ID = 'ASIAZZ4EXAMPLE7TOKEN';
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SESSION_TOKEN = 'FwoGZXIvYXdzEXAMPLE//////////wEaDLn+SESSION/TOKEN=';
const SIGNATURE = 'fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024';
const AUTHORIZATION = `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/20261127/us-east-1/mediaconnect/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=${SIGNATURE}`;
const SECRETS = [ACCESS_KEY_ID, TEMPORARY_KEY_ID, SECRET_KEY, SESSION_TOKEN, SIGNATURE];

/** The secrets still present in `text` (and the SigV4 scope, which names the access key). */
function survivors(text: string): string[] {
  return [...SECRETS, '20261127/us-east-1/mediaconnect/aws4_request'].filter((secret) => text.includes(secret));
}

describe('redactCredentials', () => {
  // Each row: where a credential shows up, as a service or proxy might echo it.
  const rows: Array<[string, string, string]> = [
    [
      'an Authorization header line',
      `Authorization: ${AUTHORIZATION}\r\nHost: x`,
      `Authorization: ${REDACTED}\r\nHost: x`,
    ],
    [
      'a lower-case authorization header in JSON',
      `{"authorization":"${AUTHORIZATION}","host":"x"}`,
      `{"authorization":"${REDACTED}","host":"x"}`,
    ],
    [
      'headers as JSON inside a JSON string',
      JSON.stringify({
        message: JSON.stringify({ authorization: AUTHORIZATION, 'x-amz-security-token': SESSION_TOKEN }),
      }),
      JSON.stringify({ message: JSON.stringify({ authorization: REDACTED, 'x-amz-security-token': REDACTED }) }),
    ],
    ['an X-Amz-Security-Token header', `X-Amz-Security-Token: ${SESSION_TOKEN}`, `X-Amz-Security-Token: ${REDACTED}`],
    [
      'a presigned URL',
      `GET /v1/flows?X-Amz-Credential=${ACCESS_KEY_ID}%2F20261127%2Fus-east-1&X-Amz-Security-Token=${SESSION_TOKEN}&X-Amz-Signature=${SIGNATURE}&x=1`,
      `GET /v1/flows?X-Amz-Credential=${REDACTED}&X-Amz-Security-Token=${REDACTED}&X-Amz-Signature=${REDACTED}&x=1`,
    ],
    [
      'SigV4 parts on their own',
      `Credential=${ACCESS_KEY_ID}/20261127/us-east-1/mediaconnect/aws4_request, Signature=${SIGNATURE}`,
      `Credential=${REDACTED}, Signature=${REDACTED}`,
    ],
    [
      'a long-term access key id in prose',
      `The security token included in the request is invalid: ${ACCESS_KEY_ID}.`,
      `The security token included in the request is invalid: ${REDACTED}.`,
    ],
    ['a temporary access key id', `key ${TEMPORARY_KEY_ID} expired`, `key ${REDACTED} expired`],
    [
      'a secret key named in config syntax',
      `aws_secret_access_key = ${SECRET_KEY}`,
      `aws_secret_access_key = ${REDACTED}`,
    ],
    [
      'a secret key as a JSON field',
      `{"SecretAccessKey":"${SECRET_KEY}","SessionToken":"${SESSION_TOKEN}"}`,
      `{"SecretAccessKey":"${REDACTED}","SessionToken":"${REDACTED}"}`,
    ],
    [
      'a 40-character secret after a key name, no separator',
      `secret key ${SECRET_KEY} leaked`,
      `secret key ${REDACTED} leaked`,
    ],
    [
      'an environment dump',
      `AWS_SESSION_TOKEN=${SESSION_TOKEN} AWS_SECRET_ACCESS_KEY=${SECRET_KEY}`,
      `AWS_SESSION_TOKEN=${REDACTED} AWS_SECRET_ACCESS_KEY=${REDACTED}`,
    ],
  ];

  it.each(rows)('redacts %s, keeping the key name and the text around it', (_where, text, expected) => {
    const redacted = redactCredentials(text);
    expect(redacted).toBe(expected);
    expect(survivors(redacted)).toEqual([]);
  });

  it('keeps JSON valid when redacting inside it', () => {
    const text = JSON.stringify({
      error: `echo: ${JSON.stringify({ headers: { authorization: AUTHORIZATION, 'x-amz-security-token': SESSION_TOKEN } })}`,
    });
    expect(() => JSON.parse(redactCredentials(text))).not.toThrow();
    expect(survivors(redactCredentials(text))).toEqual([]);
  });

  it.each([
    'Source arn:aws:mediaconnect:us-east-1:111122223333:source:1-23aBC45dEF67hiJ8-12AbC34DE5fG:Main is not receiving content',
    'StartFlow for arn:aws:mediaconnect:us-east-1:111122223333:flow:1-23aBC45dEF67hiJ8-12AbC34DE5fG:AwardsShow failed: Rate exceeded (HTTP 429, request id 7d1c3e52-5a1b-4f0e-9d3b-0c2a8f6e1b77)',
    'User: arn:aws:sts::111122223333:assumed-role/worker/i-0abc is not authorized to perform: mediaconnect:StartFlow',
    'No AWS credentials found (Could not load credentials from any providers): set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    'Flow RedCarpet went to ERROR: Output "Main" – la clé est refusée; 認証エラー',
  ])('leaves text without credentials unchanged: %s', (text) => {
    expect(redactCredentials(text)).toBe(text);
  });
});

describe('redactCredentialsDeep', () => {
  it('redacts every string in log metadata, turns errors into their redacted name and message, and keeps other values', () => {
    const meta = {
      error: new Error(`Forbidden; request was signed with ${ACCESS_KEY_ID}`),
      attempt: 2,
      nested: { headers: [`X-Amz-Security-Token: ${SESSION_TOKEN}`], ok: true },
      at: null,
    };
    expect(redactCredentialsDeep(meta)).toEqual({
      error: { name: 'Error', message: `Forbidden; request was signed with ${REDACTED}` },
      attempt: 2,
      nested: { headers: [`X-Amz-Security-Token: ${REDACTED}`], ok: true },
      at: null,
    });
  });
});

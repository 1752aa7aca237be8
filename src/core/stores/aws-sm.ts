import { firstLine, invalidReference, StoreError, StoreItemNotFoundError } from './errors.js';
import { runStoreCli, usableValue, type StoreCli } from './exec.js';
import { jsonField } from './json-field.js';
import type { SecretReference } from './reference.js';
import type { StoreResolver } from './types.js';

const AWS: StoreCli = {
  command: 'aws',
  title: 'the AWS CLI (aws)',
  install: 'install the AWS CLI: https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html (Debian/Ubuntu: apt install awscli)',
};

const SHAPE = 'aws-sm://<secret-id or ARN>[#<json-key>]';

function parse(ref: SecretReference): { id: string; key?: string; region?: string } {
  const hash = ref.rest.indexOf('#');
  const id = hash === -1 ? ref.rest : ref.rest.slice(0, hash);
  const key = hash === -1 ? undefined : ref.rest.slice(hash + 1);
  if (id === '' || id.startsWith('-') || /\s/.test(id) || key === '') throw invalidReference(ref, SHAPE);
  // An ARN names its region; the CLI would otherwise ask the configured one, and not find it there.
  const region = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):/.exec(id)?.[1];
  return { id, ...(key !== undefined ? { key } : {}), ...(region ? { region } : {}) };
}

const NOT_SIGNED_IN = /unable to locate credentials|expiredtoken|token has expired|unrecognizedclient|invalidclienttokenid|invalidsignature|sso session|sso token|aws sso login|security token included in the request is (invalid|expired)/i;
const DENIED = /accessdenied|not authorized to perform|access denied/i;

export const resolver: StoreResolver = {
  scheme: 'aws-sm',
  check(ref) {
    parse(ref);
  },
  async resolve(ref, ctx) {
    const { id, key, region } = parse(ref);
    // --output json: SecretString as a JSON string (exact, newlines and all), or null for a binary secret.
    const args = ['secretsmanager', 'get-secret-value', `--secret-id=${id}`, '--query', 'SecretString', '--output', 'json', ...(region ? [`--region=${region}`] : [])];
    const result = await runStoreCli(AWS, args, ref, ctx);
    if (result.code !== 0) {
      const text = result.stderr;
      if (/ResourceNotFoundException/.test(text)) throw new StoreItemNotFoundError(ref, 'AWS Secrets Manager has no such secret (in this account and region)', 'check the name or ARN, and the region (AWS_REGION, or `aws configure`)');
      if (DENIED.test(text)) throw new StoreError('store_permission_denied', ref, 'AWS refused access (AccessDenied)', 'ask for secretsmanager:GetSecretValue on that secret (and kms:Decrypt on its key)');
      if (NOT_SIGNED_IN.test(text)) throw new StoreError('store_not_signed_in', ref, 'not signed in to AWS (no valid credentials)', 'sign in with `aws sso login` (or set up credentials with `aws configure`)');
      if (/must specify a region/i.test(text)) throw new StoreError('store_failed', ref, 'no AWS region is configured', 'set AWS_REGION, or run `aws configure`, or use the secret\'s ARN');
      throw new StoreError('store_failed', ref, `aws exited with ${result.code}${text.trim() ? `: ${firstLine(text)}` : ''}`, 'run the same `aws secretsmanager get-secret-value` yourself to see what AWS says');
    }
    let secret: unknown;
    try {
      secret = JSON.parse(usableValue(result.stdout, ref));
    } catch {
      throw new StoreError('store_failed', ref, 'the AWS CLI did not print JSON', 'check that `aws` is the AWS CLI (version 1 or 2)');
    }
    if (typeof secret !== 'string') throw new StoreItemNotFoundError(ref, 'the secret has no SecretString (it is binary)', 'store the value as a secret string');
    return usableValue(key === undefined ? secret : jsonField(secret, key, ref, 'the secret'), ref);
  },
};

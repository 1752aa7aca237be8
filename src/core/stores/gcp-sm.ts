import { firstLine, invalidReference, StoreError, StoreItemNotFoundError } from './errors.js';
import { runStoreCli, usableValue, type StoreCli } from './exec.js';
import type { SecretReference } from './reference.js';
import type { StoreResolver } from './types.js';

const GCLOUD: StoreCli = {
  command: 'gcloud',
  title: 'the Google Cloud CLI (gcloud)',
  install: 'install the Google Cloud CLI: https://cloud.google.com/sdk/docs/install (Debian/Ubuntu: the google-cloud-cli package from Google\'s apt repository)',
};

const SHAPE = 'gcp-sm://projects/<project>/secrets/<secret>[/versions/<version>]';
const PATTERN = /^projects\/([a-z0-9][a-z0-9.:-]*)\/secrets\/([A-Za-z0-9_-]+)(?:\/versions\/([A-Za-z0-9_-]+))?$/;

function parse(ref: SecretReference): { project: string; secret: string; version: string } {
  const match = PATTERN.exec(ref.rest);
  if (!match) throw invalidReference(ref, SHAPE);
  return { project: match[1]!, secret: match[2]!, version: match[3] ?? 'latest' };
}

const NOT_SIGNED_IN = /no active account|do not currently have an active account|gcloud auth login|reauthentication|refresh (your|the) (current )?auth tokens|invalid_grant|credentials? (has|have) expired|unauthenticated/i;

export const resolver: StoreResolver = {
  scheme: 'gcp-sm',
  check(ref) {
    parse(ref);
  },
  async resolve(ref, ctx) {
    const { project, secret, version } = parse(ref);
    const result = await runStoreCli(GCLOUD, ['secrets', 'versions', 'access', version, `--secret=${secret}`, `--project=${project}`], ref, ctx);
    // The payload exactly as stored: gcloud adds no newline.
    if (result.code === 0) return usableValue(result.stdout, ref);
    const text = result.stderr;
    if (/NOT_FOUND/.test(text)) throw new StoreItemNotFoundError(ref, 'Google Secret Manager has no such secret or version', `list them with \`gcloud secrets versions list ${secret} --project=${project}\``);
    if (/FAILED_PRECONDITION/.test(text)) throw new StoreItemNotFoundError(ref, 'that secret version is disabled or destroyed', 'point the reference at an enabled version (or drop /versions/… for the latest)');
    if (/PERMISSION_DENIED/.test(text)) throw new StoreError('store_permission_denied', ref, 'Google Cloud refused access (PERMISSION_DENIED)', 'ask for roles/secretmanager.secretAccessor on that secret');
    if (NOT_SIGNED_IN.test(text)) throw new StoreError('store_not_signed_in', ref, 'not signed in to Google Cloud', 'sign in with `gcloud auth login`');
    throw new StoreError('store_failed', ref, `gcloud exited with ${result.code}${text.trim() ? `: ${firstLine(text)}` : ''}`, 'run the same `gcloud secrets versions access` yourself to see what Google Cloud says');
  },
};

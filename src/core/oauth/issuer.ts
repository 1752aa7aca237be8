import { OAuthError } from './errors.js';
import type { AuthServerMetadata } from './metadata.js';

/** The issuer recorded from the validated metadata before the browser is sent off (RFC 9207 §2.4). */
export interface RecordedIssuer {
  issuer: string;
  /** The metadata's authorization_response_iss_parameter_supported. */
  advertised: boolean;
}

export function recordIssuer(metadata: AuthServerMetadata): RecordedIssuer {
  return { issuer: metadata.issuer, advertised: metadata.authorization_response_iss_parameter_supported === true };
}

/**
 * The MCP spec's table for RFC 9207: a present `iss` must equal the recorded issuer by simple string
 * comparison (no case folding, port, trailing-slash or percent-encoding normalisation), advertised or
 * not; an absent one is refused only when the metadata advertised it. Applies to error responses too,
 * whose `error` must then not be acted on or shown. Returns the refusal, or undefined to proceed.
 */
export function responseIssuerProblem(params: URLSearchParams, recorded: RecordedIssuer): OAuthError | undefined {
  const iss = params.get('iss');
  if (iss === null) {
    if (!recorded.advertised) return undefined;
    return new OAuthError(
      `the authorization response has no iss, although ${recorded.issuer} sends one (RFC 9207)`,
      'refusing it without redeeming the code (possible mix-up attack); run the command again',
      'issuer_mismatch',
    );
  }
  if (iss === recorded.issuer) return undefined;
  return new OAuthError(
    `the authorization response came from issuer ${JSON.stringify(iss)}, expected ${JSON.stringify(recorded.issuer)}`,
    'refusing it without redeeming the code (possible mix-up attack); run the command again',
    'issuer_mismatch',
  );
}

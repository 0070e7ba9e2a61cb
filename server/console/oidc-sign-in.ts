import * as client from 'openid-client';
import { err, ok, type Result } from '../../src/shared/result';
import type { ConsoleSettings } from './console-settings';

/**
 * Sign-in with the organisation's OpenID Connect provider through openid-client 6: the
 * authorisation code flow with PKCE (S256), state and nonce. Discovery runs at the first sign-in
 * and is kept; a provider that could not be reached is asked again next time.
 */

/** What a sign-in's return must match, kept server-side between the redirect and the return. */
interface SignInChecks {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

/** Why a sign-in failed: for the operator's page (the kind) and the audit row (the reason). */
interface SignInFailure {
  readonly kind: 'unreachable' | 'refused';
  /** A short code such as `access_denied`, safe for the audit trail: never a token or secret. */
  readonly reason: string;
}

/** The console's view of the provider. */
export interface OpenIdSignIn {
  /** Where to send the browser, and the checks to keep for its return. */
  start(
    redirectUri: string,
  ): Promise<Result<{ readonly url: URL; readonly checks: SignInChecks }, SignInFailure>>;
  /** The operator's claims from a return to `callbackUrl` (ID token, and userinfo when the role is not in it). */
  finish(
    callbackUrl: URL,
    checks: SignInChecks,
  ): Promise<Result<Readonly<Record<string, unknown>>, SignInFailure>>;
}

/** A short, secret-free reason for an exception from openid-client or fetch. */
function reasonOf(error: unknown): string {
  if (error instanceof client.AuthorizationResponseError) return error.error;
  if (error instanceof client.ResponseBodyError) return error.error;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : 'error';
}

/** The provider as the settings name it. */
export function openIdSignIn(settings: ConsoleSettings): OpenIdSignIn {
  let discovered: Promise<client.Configuration> | undefined;
  const configuration = (): Promise<client.Configuration> => {
    discovered ??= client
      .discovery(
        settings.issuer,
        settings.clientId,
        undefined,
        client.ClientSecretPost(settings.clientSecret),
        settings.allowHttp && settings.issuer.protocol === 'http:'
          ? { execute: [client.allowInsecureRequests], timeout: 10 }
          : { timeout: 10 },
      )
      .catch((error: unknown) => {
        discovered = undefined;
        throw error;
      });
    return discovered;
  };
  return {
    async start(redirectUri) {
      let config: client.Configuration;
      try {
        config = await configuration();
      } catch (error) {
        return err({ kind: 'unreachable', reason: reasonOf(error) });
      }
      const checks: SignInChecks = {
        state: client.randomState(),
        nonce: client.randomNonce(),
        codeVerifier: client.randomPKCECodeVerifier(),
      };
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope: settings.scopes,
        state: checks.state,
        nonce: checks.nonce,
        code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
        code_challenge_method: 'S256',
      });
      return ok({ url, checks });
    },
    async finish(callbackUrl, checks) {
      let config: client.Configuration;
      try {
        config = await configuration();
      } catch (error) {
        return err({ kind: 'unreachable', reason: reasonOf(error) });
      }
      try {
        const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
          pkceCodeVerifier: checks.codeVerifier,
          expectedState: checks.state,
          expectedNonce: checks.nonce,
          idTokenExpected: true,
        });
        const idClaims = tokens.claims();
        if (idClaims === undefined) return err({ kind: 'refused', reason: 'no_id_token' });
        if (idClaims[settings.roleClaim] !== undefined) return ok({ ...idClaims });
        // Some providers (and oidc-provider by default) put profile claims in userinfo only.
        const info = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
        return ok({ ...info, ...idClaims, [settings.roleClaim]: info[settings.roleClaim] });
      } catch (error) {
        return err({
          kind: error instanceof TypeError ? 'unreachable' : 'refused',
          reason: reasonOf(error),
        });
      }
    },
  };
}

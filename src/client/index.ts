export {
  type ClientAssertionOptions,
  createClientAssertion,
  JWT_BEARER_ASSERTION_TYPE,
} from './assertion.js';
export {
  OAuthResponseError,
  requestClientCredentialsToken,
  type TokenRequestOptions,
  type TokenResponse,
} from './token.js';

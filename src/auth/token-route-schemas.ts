// The token endpoints' response shapes, for /docs (generated clients are typed by them).
import { Type } from '@sinclair/typebox';

export const OAuthError = Type.Object(
  { error: Type.String({ description: 'RFC 6749 §5.2 / RFC 6750 §3.1 error code' }), error_description: Type.Optional(Type.String()) },
  { description: 'An OAuth 2.0 error' },
);

export const TokenResponse = Type.Object({
  access_token: Type.String(),
  expires_in: Type.Integer({ description: 'Seconds until the token expires.' }),
  token_type: Type.Literal('bearer'),
  scope: Type.String({ description: 'The scopes granted (or the Ed-Fi EducationOrganizationId asked for), space-separated.' }),
});

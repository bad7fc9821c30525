// server/dialects/j0/auth_routes.cpp — wallet login: POST /auth/challenge, POST /auth/verify.
//
// The flow is the library's SessionLogin: the challenge binds a single-use nonce (60 s) to the
// wallet; verify spends it whatever the outcome, checks the EIP-191 personal_sign signature
// over message_to_sign and opens a session. public_key is compared case-insensitively (a
// mixed-case key need not carry a valid EIP-55 checksum).
#include "../../json_request.h"
#include "j0_api.h"
#include "j0_render.h"
#include "marketcore/ethereum.h"

namespace mc::server::j0 {
namespace {

// The lower-case form of a 0x-prefixed 20-byte hex address, or a validation error.
Result<std::string> read_public_key(const JsonBody& body) {
  MC_TRY_ASSIGN(std::string key, body.required_string("public_key"));
  Result<eth::Address> address = eth::parse_address(ascii_lower(key));
  if (!address.ok()) {
    return invalid_argument("validation_error",
                            "public_key must be a 0x-prefixed 20-byte hex Ethereum address",
                            "public_key");
  }
  return eth::to_lower_address(address.value());
}

Result<Response> challenge(J0Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY_ASSIGN(std::string wallet, read_public_key(body));
  MC_TRY_ASSIGN(auth::Challenge issued, api.sessions().challenge(wallet));
  json::JsonWriter out;
  out.begin_object().key("challenge").begin_object();
  out.key("nonce").value(issued.nonce);
  out.key("timestamp").value(issued.timestamp_s);
  out.key("expires_at").value(issued.expires_at_ms / 1000);
  out.end_object();
  out.key("message_to_sign").value(issued.message_to_sign);
  out.end_object();
  return Response::json(200, std::move(out).take());
}

Result<Response> verify(J0Api& api, RequestContext& context) {
  MC_TRY_ASSIGN(JsonBody body, JsonBody::parse(context.request.body));
  MC_TRY_ASSIGN(std::string wallet, read_public_key(body));
  MC_TRY_ASSIGN(std::string nonce, body.required_string("challenge_nonce"));
  MC_TRY_ASSIGN(std::string signature, body.required_string("signature"));
  MC_TRY_ASSIGN(Session session, api.sessions().sign_in(wallet, nonce, signature));
  MC_TRY_ASSIGN(Party user, api.market().user(session.party_id));
  json::JsonWriter out;
  out.begin_object();
  out.key("token").value(session.token);
  out.key("expires_at").value(session.expires_at_s);
  out.key("user");
  write_user(out, user, /*login=*/true);
  out.end_object();
  Response response = Response::json(200, std::move(out).take());
  response.set_header("Set-Cookie", std::string(kCookieName) + "=" + session.token +
                                        "; HttpOnly; Secure; SameSite=Strict; Max-Age=" +
                                        std::to_string(kSessionTtlS) + "; Path=/");
  return response;
}

}  // namespace

std::vector<RouteSpec> auth_routes(J0Api& api) {
  return {
      {.method = "POST",
       .pattern = "/auth/challenge",
       .route_class = "ip",
       .access = Access::open,
       .handler = [&api](RequestContext& context) { return challenge(api, context); },
       .summary = "Get a challenge nonce to sign (valid 60 s, single use)"},
      {.method = "POST",
       .pattern = "/auth/verify",
       .route_class = "ip",
       .access = Access::open,
       .handler = [&api](RequestContext& context) { return verify(api, context); },
       .summary = "Verify the signed challenge; returns a session token and sets j0_token"},
  };
}

}  // namespace mc::server::j0
